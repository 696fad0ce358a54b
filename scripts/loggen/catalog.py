"""Fixed vocabularies of the balance-sync service: currencies, actions, message texts.

Only the vocabulary (enumerations and message wording) follows the real service; every id,
name, amount, account number and hash the generator writes is invented from the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Currency:
    code: str
    minor_units: int
    vat_rate: float
    weight: float
    meal_price: float  # typical DELIVERY_DEDUCTION amount
    country: str

    @property
    def half_minor_unit(self) -> Decimal:
        return Decimal(1).scaleb(-self.minor_units) / 2


CURRENCIES: tuple[Currency, ...] = (
    Currency("BHD", 3, 0.10, 0.68, 8.0, "BH"),
    Currency("SAR", 2, 0.15, 0.285, 90.0, "SA"),
    Currency("AED", 2, 0.05, 0.016, 80.0, "AE"),
    Currency("KWD", 3, 0.0, 0.013, 6.5, "KW"),
    Currency("QAR", 2, 0.0, 0.006, 80.0, "QA"),
)
CURRENCY_BY_CODE = {c.code: c for c in CURRENCIES}

# (source, action, weight) per transaction type.
DEBIT_ACTIONS: tuple[tuple[str, str, float], ...] = (
    ("MANUAL_DEDUCTION", "DELIVERY_DEDUCTION", 0.93),
    ("MANUAL_DEDUCTION", "INVAILID_ENTRY", 0.012),
    ("MANUAL_DEDUCTION", "DOUBLE_ENTRY", 0.006),
    ("MANUAL_DEDUCTION", "REMOVE", 0.004),
    ("MANUAL_DEDUCTION", "REFUNDED_MANUALLY", 0.004),
    ("MANUAL_DEDUCTION", "CALO_TEAM_PERKS", 0.006),
    ("MANUAL_DEDUCTION", "LEAVING_THE_COUNTRY", 0.003),
    ("MANUAL_DEDUCTION", "EXPIRED_CREDITS", 0.002),
    ("MANUAL_DEDUCTION", "TRANSFERRED_CREDITS", 0.002),
    ("MANUAL_DEDUCTION", "REMOVING_GIFTS", 0.002),
    ("MANUAL_DEDUCTION", "CUSTOMERS_CALO_EXPERIMENTS", 0.015),
    ("MANUAL_DEDUCTION", "OTHER", 0.002),
)
CREDIT_ACTIONS: tuple[tuple[str, str, float], ...] = (
    ("PAYMENT", "RENEW_SUBSCRIPTION", 0.40),
    ("PAYMENT", "PAY_PENDING_AMOUNT", 0.12),
    ("PAYMENT", "ADD_DELIVERY_ADDONS", 0.08),
    ("PAYMENT", "CHANGE_PLAN", 0.06),
    ("PAYMENT", "PURCHASE_ADDON_SUBSCRIPTION", 0.05),
    ("PAYMENT", "CREATE_SUBSCRIPTION_WEB", 0.04),
    ("PAYMENT", "REPLACE_FOOD", 0.04),
    ("PAYMENT", "AUTO_RENEW_SUBSCRIPTION", 0.02),
    ("PAYMENT", "ADD_FOOD", 0.01),
    ("MANUAL_ADDITION", "COMPENSATION", 0.02),
    ("MANUAL_ADDITION", "REFUND", 0.03),
    ("MANUAL_ADDITION", "ADD", 0.04),
    ("MANUAL_ADDITION", "MARKETING_GIFT_AND_EXPERIMENTS", 0.01),
    ("MANUAL_ADDITION", "CX_GIFT", 0.01),
    ("MANUAL_ADDITION", "MANUAL_DISCOUNT", 0.01),
    ("MANUAL_ADDITION", "REFERRAL_REDEEM_DAYS", 0.02),
    ("MANUAL_ADDITION", "FIXING_BALANCE", 0.01),
    ("MANUAL_ADDITION", "CREDIT_TRANSFER", 0.01),
)
FLAG_FALSE_ACTIONS = ("PURCHASE_ADDONS_FOR_DELIVERY", "DONATE_RAMADAN_MEAL", "GIFT_CARD_PURCHASE", "DELIVERY_DEDUCTION")

RUNTIMES = ("nodejs:14.v42", "nodejs:20.v13", "nodejs:20.v15", "nodejs:20.v16", "nodejs:20.v19", "nodejs:20.v22")

MSG_PROCESSING = "Processing message "
MSG_START_SYNC = "Start syncing the balance "
MSG_PUBLISHED = "SubscriptionBalanceUpdated event published"
MSG_NOT_IN_SYNC = "Subscription balance and payment balance are not in sync "
MSG_SKIP_CREATE = (
    "Skipping the balance sync for create subscription, it will be synced from create subscription payment listener"
)
MSG_SKIP_CREATE_WEB = (
    "Skipping the balance sync for create web subscription, it will be synced from create web subscription "
    "payment listener"
)
MSG_ALREADY_SYNCED = "Skipping the process, balance is already synced from other listeners"
MSG_ALREADY_SYNCED_OLD = "Balance is already synced from other listeners"
MSG_FLAG_FALSE = "Skipping the process, Update Payment Balance Flag is set to false "
MSG_NEGATIVE = "Subscriber will have a negative balance due to this action, the process will terminate."
MSG_SYNC_ERROR = (
    "An error occured while syncing the balance TypeError: Cannot read properties of null (reading 'getBalance')"
)
SYNC_ERROR_STACK = (
    "    at Zi.exec (/src/syncBalance/useCase.ts:55:37)",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    "    at JU (/src/syncBalance/listener.ts:30:7)",
    "    at K0 (/node_modules/@middy/core/index.js:192:26)",
)
MSG_LOCK = "Transaction Lock created!!!!!!!!!!!!!!!!!!!!!!!!!!! Rr "
MSG_SLACK = "Sending slack notification"
MSG_UNKNOWN_RUNTIME = "Unknown application error occurred\nRuntime.Unknown"
UNCAUGHT_EXCEPTION = (
    'Uncaught Exception \t{"errorType":"Error","errorMessage":"Cannot find module '
    "'/var/task/node_modules/aws-sdk/clients/dynamodb' imported from /var/task/src/syncBalance/listener.mjs\\n"
    'Did you mean to import aws-sdk/clients/dynamodb.js?","code":"ERR_MODULE_NOT_FOUND",'
    '"url":"file:///var/task/node_modules/aws-sdk/clients/dynamodb","stack":["Error [ERR_MODULE_NOT_FOUND]: '
    "Cannot find module '/var/task/node_modules/aws-sdk/clients/dynamodb' imported from "
    '/var/task/src/syncBalance/listener.mjs","Did you mean to import aws-sdk/clients/dynamodb.js?",'
    '"    at new NodeError (node:internal/errors:406:5)","    at finalizeResolution '
    '(node:internal/modules/esm/resolve:238:11)","    at moduleResolve (node:internal/modules/esm/resolve:850:10)"]}'
)
INVOKE_ERROR = (
    'Invoke Error \t{"errorType":"TypeError","errorMessage":"e is not iterable","stack":["TypeError: e is not '
    'iterable","    at lambdaHandler (/src/syncBalance/listener.ts:24:24)","    at mA '
    '(/node_modules/@middy/core/index.js:166:9)","    at process.processTicksAndRejections '
    '(node:internal/process/task_queues:95:5)"]}'
)
# Application messages no classifier knows (expected: message kind 'other').
UNKNOWN_APP_MESSAGES = (
    ("INFO", "Warm-up ping received, nothing to do"),
    ("INFO", "Retrying DynamoDB conditional write (attempt 2)"),
    ("WARN", "Slow downstream response from wallet service: 2871 ms"),
)

# Invented account number and names for ARNs (never the real ones).
AWS_ACCOUNT = "000011112222"
SLACK_TOPIC_ARN = f"arn:aws:sns:us-east-1:{AWS_ACCOUNT}:example-sns-send-slack"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{AWS_ACCOUNT}:example-sync-balance.fifo"

FIRST_NAMES = (
    "Ahmed",
    "Fatima",
    "Mohammed",
    "Noura",
    "Yusuf",
    "Layla",
    "Omar",
    "Sara",
    "Hassan",
    "Maryam",
    "José",
    "Zoë",
    "Chloé",
    "Björn",
    "Siobhán",
    "D'Arcy",
    "Renée",
    "عبدالله",
    "فاطمة",
    "Jean-Luc",
)
LAST_NAMES = (
    "Al Khalifa",
    "Haddad",
    "Nasser",
    "O'Neill",
    "Müller",
    "Fernández",
    "Rahman",
    "Saleh",
    "Kumar",
    "Smith",
    "الهاشمي",
    "Dubois",
    "Yılmaz",
    "Nakamura",
)
GIFT_MESSAGES = (
    "Enjoy your meals!",
    "Hope you'll love these meals",
    'Happy "Eid" to you and the family',
    'Don\'t forget: "healthy" is the new tasty',
    "كل عام وأنتم بخير 🌙",
    "Bon appétit ☕",
)
MEAL_NAMES = (
    ("عصيدة التمر", "Date Porridge"),
    ("فطيرة الزعتر", "Thyme Flatbread"),
    ("سلطة الكينوا", "Quinoa Salad"),
    ("دجاج مشوي", "Grilled Chicken"),
)
PLAN_FIELDS = (
    {"planType": "businessLunch", "goal": "gainWeight", "dietType": "balanced", "frequency": "monthly"},
    {"planType": "fullDay", "goal": "loseWeight", "dietType": "lowCarb", "frequency": "weekly"},
    {"planType": "breakfastLunch", "goal": "maintainWeight", "dietType": "vegetarian", "frequency": "monthly"},
)
