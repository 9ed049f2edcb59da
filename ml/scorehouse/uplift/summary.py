"""The readable summary ``scorehouse uplift`` prints: each campaign's lift against its
control, then each model's verdict with its reasons."""

from __future__ import annotations

from scorehouse.uplift.lift import UpliftResult


def _number(value: object, fmt: str = "{:+.4f}") -> str:
    return "-" if value is None else fmt.format(value)


def format_result(result: UpliftResult) -> str:
    lines = ["Campaign lift (treatment against control):"]
    tests = {t.campaign_id: t for t in result.tests}
    for row in result.lift:
        t = tests[row["campaign_id"]]
        sizes = f"n={row['n_treatment']}/{row['n_control']}"
        head = f"  {row['campaign_id']:>3} {row['campaign_name'] or '':<22} {sizes}"
        if not row["is_reported"]:
            lines.append(
                f"{head}  split {row['srm_status']} "
                f"(SRM p={_number(t.srm_p_value, '{:.2g}')}): lift not reported"
            )
            continue
        lines.append(
            f"{head}  lift {_number(row['absolute_lift'])} "
            f"[{_number(row['absolute_lift_ci_low'])}, {_number(row['absolute_lift_ci_high'])}] "
            f"p={_number(t.z_p_value, '{:.3g}')}  ROMI {_number(row['romi'], '{:+.2f}')}"
        )
    lines.append("Verdicts:")
    for name, (version, verdict) in result.verdicts.items():
        label = verdict.verdict or "no verdict"
        lines.append(f"  {name} v{version if version is not None else '-'}: {label}")
        lines.extend(f"    - {reason}" for reason in verdict.reasons)
    return "\n".join(lines)
