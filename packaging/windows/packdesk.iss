; Inno Setup 6 script for PackDesk's Windows installer.
; build_installer.py runs it on Windows after PyInstaller, passing everything the source tree owns
; (name, version from app/__init__.py, folders), so nothing here can drift from the app:
;   ISCC.exe /DAppName=PackDesk /DAppExe=PackDesk.exe /DAppVersion=X.Y.Z /DBundleDir=dist\packdesk
;            /DOutputDir=dist /DIconFile=resources\icons\packdesk.ico packaging\windows\packdesk.iss
; The installer copies the PyInstaller folder to Program Files (or the user's programs folder when
; not run as administrator), adds Start menu (and optional desktop) shortcuts and an uninstaller.
; The station's data (%LOCALAPPDATA%\packdesk) and its tokens (Windows Credential Manager) are
; never touched by install, upgrade or uninstall.

#if !Defined(AppName) || !Defined(AppExe) || !Defined(AppVersion) || !Defined(BundleDir) || !Defined(OutputDir) || !Defined(IconFile)
  #error Run through build_installer.py, or pass /DAppName /DAppExe /DAppVersion /DBundleDir /DOutputDir /DIconFile
#endif

[Setup]
; Never change AppId: Windows uses it to recognise an upgrade of the same application.
AppId={{BCC2045A-D8EF-4A48-B12E-AE2DB9476A53}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Refuse to overwrite files of a running PackDesk; offer to close it instead.
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole onedir bundle: PackDesk.exe (windowed), packdesk-cli.exe (console) and _internal\.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade must not keep libraries an older version shipped and this one dropped.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
