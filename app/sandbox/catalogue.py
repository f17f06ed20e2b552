"""Static pools the seeded generator draws from: people, places, products, notes, statuses.

Kept apart from data.py so the generator reads as an algorithm, not as a word list. The pools are
chosen to hurt naive clients: non-Latin scripts, apostrophes, leading-zero postal codes, markup-like
notes, a status name containing a comma.
"""

from __future__ import annotations

from typing import Any

# (name, is_open, is_declined, is_cancelled, is_shipped, is_quote_status, color)
DEFAULT_STATUSES: list[dict[str, Any]] = [
    {"id": 1, "name": "Pending Processing", "is_open": True, "color": "#A4E065"},
    {"id": 2, "name": "Approved, Pending Shipping", "is_open": True, "color": "#6FA8DC"},
    {"id": 3, "name": "Shipped", "is_shipped": True, "color": "#93C47D"},
    {"id": 4, "name": "Credit Declined", "is_declined": True, "color": "#E06666"},
    {"id": 5, "name": "Cancel Order", "is_cancelled": True, "color": "#999999"},
    {"id": 6, "name": "Awaiting Payment", "is_open": True, "color": "#FFD966"},
    # Quote - Open is "open" too: a client must look at is_quote_status, not only is_open.
    {"id": 7, "name": "Quote - Open", "is_open": True, "is_quote_status": True, "color": "#B4A7D6"},
    {"id": 8, "name": "Quote - Accepted", "is_quote_status": True, "color": "#8E7CC3"},
    {"id": 9, "name": "Quote - Declined", "is_quote_status": True, "is_declined": True,
     "color": "#674EA7"},
]

DEFAULT_CUSTOM_STATUSES: list[dict[str, Any]] = [
    {"name": "Partially Shipped", "is_open": True, "is_partially_shipped": True,
     "color": "#F6B26B"},
    {"name": "On Hold", "is_open": True, "color": "#CC4125"},
    {"name": "Refunded", "is_fully_refunded": True, "color": "#666666"},
]

STATUS_FLAGS = ("is_open", "is_declined", "is_cancelled", "is_shipped", "is_partially_shipped",
                "is_fully_refunded", "is_partially_refunded", "is_quote_status")

STORES: list[dict[str, Any]] = [
    {"name": "Sandbox Outfitters", "email": "orders@outfitters.example.com",
     "phone": "(409) 555-0142", "company_name": "Sandbox Outfitters LLC",
     "address_line_1": "2550 Calder Ave", "address_line_2": "Suite 300", "city": "Beaumont",
     "state": "Texas", "postal_code": "77702", "country": "United States"},
    {"name": "Sandbox Gifts & Co.", "email": "hello@gifts.example.com",
     "phone": "(512) 555-0199", "company_name": "Sandbox Outfitters LLC",
     "address_line_1": "801 Congress Ave", "address_line_2": "", "city": "Austin",
     "state": "Texas", "postal_code": "78701", "country": "United States"},
]

# Each region: country, code, weight, names, cities (city, state, state_code, postal), streets.
REGIONS: list[dict[str, Any]] = [
    {"country": "United States", "code": "US", "weight": 50, "phone": "({a}) 555-{b:04d}",
     "first": ["James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "José", "Zoë",
               "Renée", "Chloé", "DeShawn", "Mei", "Aarav", "Siobhan", "Nguyễn"],
     "last": ["Smith", "Johnson", "O'Brien", "García", "Müller", "Nguyen", "Williams",
              "Brown", "D'Angelo", "Kowalski", "Martínez", "Lee", "Patel", "St. John"],
     "cities": [("Jersey City", "New Jersey", "NJ", "07302"), ("Boston", "Massachusetts", "MA",
                "02134"), ("Hartford", "Connecticut", "CT", "06103"), ("Portland", "Maine", "ME",
                "04101"), ("Austin", "Texas", "TX", "78701"), ("Beaumont", "Texas", "TX", "77706"),
                ("Chicago", "Illinois", "IL", "60601"), ("Seattle", "Washington", "WA", "98101"),
                ("Denver", "Colorado", "CO", "80202"), ("San Juan", "Puerto Rico", "PR", "00901"),
                ("Anchorage", "Alaska", "AK", "99501"), ("Honolulu", "Hawaii", "HI", "96813")],
     "streets": ["{n} Main St", "{n} Oak Avenue", "{n} Calder Ave", "{n} N. Lamar Blvd",
                 "PO Box {n}", "{n} Martin Luther King Jr Dr"]},
    {"country": "Canada", "code": "CA", "weight": 6, "phone": "+1 ({a}) 555-{b:04d}",
     "first": ["Émilie", "Liam", "Gabrielle", "Noah", "François"],
     "last": ["Tremblay", "Gagnon", "Roy", "Côté", "MacDonald"],
     "cities": [("Montréal", "Québec", "QC", "H2X 1Y4"), ("Toronto", "Ontario", "ON", "M5V 2T6")],
     "streets": ["{n} rue Sainte-Catherine O", "{n} King St W"]},
    {"country": "United Kingdom", "code": "GB", "weight": 5, "phone": "+44 20 7946 {b:04d}",
     "first": ["Oliver", "Amelia", "Harry", "Isla"],
     "last": ["Taylor", "Davies", "Evans", "Ó Súilleabháin"],
     "cities": [("London", "", "", "SW1A 1AA"), ("Manchester", "", "", "M1 1AE")],
     "streets": ["{n} Baker Street", "Flat {n}, 10 Downing Court"]},
    {"country": "Germany", "code": "DE", "weight": 5, "phone": "+49 89 {b:04d}{a}",
     "first": ["Jürgen", "Günther", "Lena", "Małgorzata"],
     "last": ["Müller", "Schäfer", "Groß", "Weiß"],
     "cities": [("München", "Bayern", "BY", "80331"),
                ("Köln", "Nordrhein-Westfalen", "NW", "50667"),
                ("Dresden", "Sachsen", "SN", "01067")],
     "streets": ["Königstraße {n}", "Straße des 17. Juni {n}"]},
    {"country": "France", "code": "FR", "weight": 4, "phone": "+33 1 42 {a} {b:04d}",
     "first": ["Zoé", "Hélène", "Jérôme", "Anaïs"], "last": ["Dupré", "Lefèvre", "Besnard", "Noël"],
     "cities": [("Besançon", "Doubs", "", "25000"), ("Paris", "Île-de-France", "", "75001")],
     "streets": ["{n} rue de l'Église", "{n} avenue des Champs-Élysées"]},
    {"country": "Russia", "code": "RU", "weight": 4, "phone": "+7 495 {a}-{b:04d}",
     "first": ["Иван", "Анна", "Дмитрий", "Ольга"],
     "last": ["Петров", "Смирнова", "Кузнецов", "Соколова"],
     "cities": [("Москва", "Москва", "", "101000"), ("Санкт-Петербург", "", "", "190000")],
     "streets": ["ул. Ленина, д. {n}", "Невский проспект, {n}"]},
    {"country": "Greece", "code": "GR", "weight": 3, "phone": "+30 21 {a} {b:04d}",
     "first": ["Γιώργος", "Μαρία", "Νίκος"], "last": ["Παπαδόπουλος", "Οικονόμου", "Γεωργίου"],
     "cities": [("Αθήνα", "Αττική", "", "105 57"), ("Θεσσαλονίκη", "", "", "546 21")],
     "streets": ["Οδός Ερμού {n}", "Λεωφόρος Συγγρού {n}"]},
    {"country": "Japan", "code": "JP", "weight": 4, "phone": "+81 3-{a}-{b:04d}",
     "first": ["太郎", "花子", "翔太"], "last": ["山田", "佐藤", "鈴木"],
     "cities": [("千代田区", "東京都", "13", "100-0001"), ("大阪市", "大阪府", "27", "530-0001")],
     "streets": ["丸の内{n}丁目", "梅田{n}-1-1"]},
    {"country": "China", "code": "CN", "weight": 3, "phone": "+86 10 {a}{b:04d}",
     "first": ["伟", "芳", "秀英"], "last": ["王", "李", "张"],
     "cities": [("北京", "北京市", "BJ", "100000"), ("上海", "上海市", "SH", "200000")],
     "streets": ["长安街{n}号", "南京路{n}号"]},
    {"country": "Israel", "code": "IL", "weight": 2, "phone": "+972 3-{a}-{b:04d}",
     "first": ["דוד", "שרה", "יוסף"], "last": ["כהן", "לוי", "מזרחי"],
     "cities": [("תל אביב", "", "", "6100000"), ("ירושלים", "", "", "9100000")],
     "streets": ["רחוב הרצל {n}", "שדרות רוטשילד {n}"]},
    {"country": "United Arab Emirates", "code": "AE", "weight": 2, "phone": "+971 4 {a} {b:04d}",
     "first": ["محمد", "فاطمة", "أحمد"], "last": ["علي", "حسن", "الهاشمي"],
     "cities": [("دبي", "دبي", "DU", ""), ("أبو ظبي", "أبو ظبي", "AZ", "")],
     "streets": ["شارع الشيخ زايد {n}", "شارع الوصل {n}"]},
    {"country": "Mexico", "code": "MX", "weight": 3, "phone": "+52 55 {a} {b:04d}",
     "first": ["Sofía", "Alejandro", "Ximena"], "last": ["Hernández", "López", "Peña"],
     "cities": [("Ciudad de México", "Ciudad de México", "CMX", "06000"),
                ("Guadalajara", "Jalisco", "JAL", "44100")],
     "streets": ["Av. Reforma {n}", "Calle Niños Héroes {n}"]},
]

COMPANIES = ["", "", "", "", "Acme Corp", "Globex & Sons", "Müller GmbH", "株式会社サンプル"]

NOTES = [
    "Please leave at the back door.",
    "<b>fragile</b> — handle with care",
    "<img src=x onerror=alert(1)>",
    "Ship with <para>extra padding</para> please",
    "Tom &amp; Jerry's order — call before delivery",
    "Позвоните перед доставкой",
    "请不要折叠",
    "Line one\nLine two\n\tindented",
    "Rush! Needed by Friday 😀",
    "Use <font color=red>red</font> tape; 5\" wide",
]

ADMIN_NOTES = [
    "Customer called, confirmed address.",
    "VIP — include a thank-you card",
    "<script>alert('x')</script> fraud check passed",
    "Check stock of <b>bin B-10-3</b> before packing",
    "Combined with order # 100231.",
    "Refund 50% & reship",
]

GIFT_MESSAGES = [
    "Happy birthday! Love, Mom",
    "Congratulations on the new job 🎉",
    "С днём рождения!",
    "Χρόνια πολλά!",
    "お誕生日おめでとう",
    "عيد ميلاد سعيد",
    "<b>For you</b> & only you",
    "Merry Christmas\nand a happy new year",
]

# (base sku, name, kind, base price, weight lbs)
# kind: apparel (color+size variants), colored (color variants), plain, nonship (gift card /
# download), kit (bundle of other products).
PRODUCT_FAMILIES: list[tuple[str, str, str, float, float]] = [
    ("TSH", "Classic Tee", "apparel", 19.99, 0.4),
    ("HOD", "Pullover Hoodie", "apparel", 44.5, 1.2),
    ("SCK", "Wool Socks", "apparel", 12.0, 0.2),
    ("MUG", "Enamel Mug", "colored", 14.95, 0.9),
    ("BTL", "Steel Water Bottle", "colored", 24.0, 0.8),
    ("BK", "Field Guide", "plain", 29.99, 1.6),
    ("LMP", "Desk Lamp", "plain", 59.0, 3.4),
    ("KNF", "Pocket Knife", "plain", 34.0, 0.3),
    ("TNT", "Two-Person Tent", "plain", 189.0, 6.8),
    ("CHR", "Camp Chair", "plain", 49.0, 5.1),
    ("GC", "Gift Card", "nonship", 25.0, 0.0),
    ("DL", "Trail Map Download", "nonship", 9.99, 0.0),
    ("KIT", "Camp Starter Kit", "kit", 129.0, 0.0),
]

COLORS = [("Red", "RED"), ("Blue", "BLU"), ("Forest Green", "GRN"), ("Black", "BLK")]
SIZES = [("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL")]
COLOR_GROUP, SIZE_GROUP = 1, 2

CATEGORIES = [(1, "Apparel"), (2, "Kitchen"), (3, "Books"), (4, "Camping"), (5, "Gifts")]
CATEGORY_BY_KIND = {"apparel": 1, "colored": 2, "plain": 4, "nonship": 5, "kit": 4}

SHIPPING_SERVICES: list[tuple[str, str, str]] = [
    # (provider code, identifier, name)
    ("UPS", "03", "UPS Ground"),
    ("UPS", "02", "UPS 2nd Day Air"),
    ("UPS", "01", "UPS Next Day Air"),
    ("FedEx", "FEDEX_GROUND", "FedEx Ground"),
    ("FedEx", "FEDEX_EXPRESS_SAVER", "FedEx Express Saver"),
    ("FedEx", "INTERNATIONAL_PRIORITY", "FedEx International Priority"),
    ("USPS", "Priority", "USPS Priority Mail"),
    ("USPS", "First", "USPS First-Class Mail"),
    ("USPS", "PriorityMailInternational", "USPS Priority Mail International"),
]

CUSTOM_SHIPPING_METHODS = ["Free Shipping", "Local Pickup", "Flat Rate Shipping"]

COUPONS = ["SAVE10", "WELCOME5", "FREESHIP", "VIP20"]
