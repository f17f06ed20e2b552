"""PackDesk: a packing and shipping station for AmeriCommerce / Cart.com Storefront stores."""

__version__ = "0.1.0"

APP_ID = "packdesk"
APP_NAME = "PackDesk"
