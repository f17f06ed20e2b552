"""tests/support/tools.py: a missing outside tool skips a test locally and fails it under CI."""
from __future__ import annotations

import pytest

from tests.support import tools

NO_SUCH_TOOL = "packdesk-no-such-tool-7f3a"


@pytest.mark.parametrize("ci", ["true", "1", "YES"])
def test_a_missing_tool_fails_under_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match=f"CI=true: {NO_SUCH_TOOL} not found"):
        tools.require_tool("sh", NO_SUCH_TOOL, hint="apt-get install it")


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_a_missing_tool_skips_elsewhere_and_says_how_to_get_it(monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="apt-get install it"):
        tools.require_tool(NO_SUCH_TOOL, hint="apt-get install it")


def test_tools_that_are_there_are_returned_with_their_paths(monkeypatch):
    monkeypatch.setenv("CI", "true")
    sh, = tools.require_tool("sh")
    assert sh.endswith("/sh")


def test_a_missing_module_and_console_script_fail_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Python module packdesk_no_such_module"):
        tools.require_module("packdesk_no_such_module")
    with pytest.raises(pytest.fail.Exception, match=f"the {NO_SUCH_TOOL} console script"):
        tools.require_console_script(NO_SUCH_TOOL)
    assert tools.require_module("json").dumps([]) == "[]"
