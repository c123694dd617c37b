"""The statement's guide for the collector: each field's name and what goes in it, translatable."""

from __future__ import annotations

from fieldcore.i18n import N_, _

# The collector's guide: per field, its name on the form and what goes in it.
GUIDE: dict[str, tuple[str, str]] = {
    "household_size": (
        N_("People in the household"),
        N_("Everyone who lives in the home, the borrower included."),
    ),
    "dependants": (
        N_("Dependants"),
        N_("Children and others who live on the household's income."),
    ),
    "income_wages": (
        N_("Wages"),
        N_("Take-home pay of the borrower and their partner, after tax and other deductions."),
    ),
    "income_benefits": (N_("Benefits"), N_("Benefits, allowances and the state pension.")),
    "income_other": (
        N_("Other income"),
        N_(
            "Any other money that comes in: a private pension, maintenance, rent from a "
            "lodger, help from family."
        ),
    ),
    "housing": (
        N_("Home and contents"),
        N_("Rent or mortgage, property tax, service charges, home and contents insurance."),
    ),
    "utilities": (N_("Utilities"), N_("Electricity, gas, heating and water.")),
    "travel": (N_("Travel"), N_("Fares and fuel; a car's insurance, tax and repairs.")),
    "food": (
        N_("Food and housekeeping"),
        N_("Groceries, cleaning things and toiletries, meals at work or school."),
    ),
    "children": (
        N_("Children"),
        N_(
            "Childcare, school costs, the children's clothes and activities, maintenance "
            "paid for children who live elsewhere."
        ),
    ),
    "communications": (
        N_("Communications and leisure"),
        N_("Phone, internet and TV, and a modest amount for leisure and gifts."),
    ),
    "personal": (
        N_("Personal costs"),
        N_("Clothes and shoes, medicine, hairdressing, pets."),
    ),
    "other_essential": (
        N_("Other essential costs"),
        N_("Anything else the household cannot do without; say what in the note."),
    ),
    "priority_debts": (
        N_("Priority debt payments"),
        N_(
            "Paid each month on the debts that cost most if unpaid: arrears of rent or "
            "mortgage, energy and water, property tax, fines, maintenance, tax."
        ),
    ),
    "other_debts": (
        N_("Owed to other lenders"),
        N_(
            "The total still owed on other loans, cards and overdrafts that are not priority "
            "debts; what is left each month is shared with them in proportion. A total, not "
            "per month."
        ),
    ),
    "savings": (
        N_("Savings"),
        N_("Money put by beyond this month's bills. A total, not per month."),
    ),
    "assets": (
        N_("Assets"),
        N_(
            "What could be sold without harm to the household, such as a second car. "
            "A total, not per month."
        ),
    ),
}
GUIDE_INTRO = N_(
    "Amounts are per month unless the line says it is a total. For a weekly amount, "
    "multiply by 52 and divide by 12; for one every two weeks, multiply by 26 and divide by 12."
)
HOW_PROPOSED = N_(
    "The proposed instalment keeps a fifth of what is left each month back for the "
    "unexpected, and shares the rest with the other lenders in proportion to what each is owed."
)
NO_ROOM = N_(
    "Nothing is left each month once essential spending and priority debts are paid. "
    "Propose no plan: record a hardship request and tell the borrower where to get free "
    "debt advice."
)


def field_label(name: str) -> str:
    """A statement field's name on the form, in the UI language."""
    return _(GUIDE[name][0])


def field_meaning(name: str) -> str:
    """What goes in a statement field, in the UI language, for the collector's guide."""
    return _(GUIDE[name][1])
