"""残保金计算器: public, the manual's simple form and a full form, with the result explained."""

from django.forms import formset_factory
from django.shortcuts import render

from levy.choices import PARAMETER_LABELS, UnitKind
from levy.forms import DisabledPersonForm, DisabledPersonFormSet, FullCalculatorForm, SimpleCalculatorForm
from levy.rules.policy import describe_value
from levy.selectors import levy_estimate, region_names, rows_of
from portal.access import public
from portal.exceptions import DomainError
from portal.forms import add_domain_error
from portal.identity import unit_kind_of


def _initial_for(user) -> dict:
    """A signed-in employer's own region and unit kind, so the full form starts from their unit."""
    from employers.selectors import employer_of

    employer = employer_of(user) if user.is_authenticated else None
    if employer is None:
        return {}
    kind = unit_kind_of(employer.credit_code)
    return {"unit_name": employer.name, "region": employer.admin_region_id,
            "unit_kind": kind if kind in UnitKind.values else UnitKind.ENTERPRISE}


@public
def calculator(request):
    """Estimate the levy: parse the form, read the policy, run the engine, show the steps."""
    mode = "full" if (request.POST or request.GET).get("mode") == "full" else "simple"
    data = request.POST or None
    initial = _initial_for(request.user)
    formset = None
    if mode == "full" and data is not None and "add_row" in data:
        return _with_another_row(request, mode)
    if mode == "full":
        form = FullCalculatorForm(data, initial=initial)
        formset = DisabledPersonFormSet(data, prefix="person")
        valid = form.is_valid() & formset.is_valid()  # both, so every error shows at once
    else:
        form = SimpleCalculatorForm(data, initial=initial)
        valid = form.is_valid()
    estimate = None
    if data is not None and valid:
        inputs = form.inputs([p for p in (f.person() for f in formset) if p]) if formset else form.inputs()
        try:
            estimate = levy_estimate(region_code=form.region_code(), data_year=form.cleaned_data["data_year"],
                                     inputs=inputs, with_savings=True)
        except DomainError as error:
            add_domain_error(form, error)
    context = {"mode": mode, "form": form, "formset": formset, "estimate": estimate}
    if estimate:
        rows = rows_of(estimate.result.policy)
        names = region_names({row.region_code for row in rows})
        context["policy_rows"] = [
            {"row": row, "label": PARAMETER_LABELS.get(row.name, row.name), "region": names[row.region_code],
             "description": describe_value(row.name, row.value)}
            for row in rows
        ]
        wage = form.cleaned_data.get("disabled_wage")
        context["placement_cost"] = wage * 12 if wage else None
    return render(request, "levy/calculator.html", context)


def _with_another_row(request, mode):
    """增加一行: the same figures back, unvalidated (no errors yet), with one more blank row."""
    data = request.POST
    initial = data.dict()
    initial["region"] = FullCalculatorForm.base_fields["region"].widget.value_from_datadict(data, None, "region")
    total = int(data.get("person-TOTAL_FORMS") or 0)
    rows = [{key: data.get(f"person-{i}-{key}", "") for key in DisabledPersonForm.base_fields} for i in range(total)]
    formset = formset_factory(DisabledPersonForm, extra=1)(initial=rows, prefix="person")
    form = FullCalculatorForm(initial=initial)
    return render(request, "levy/calculator.html", {"mode": mode, "form": form, "formset": formset})
