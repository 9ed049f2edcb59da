"""Contact details as customers type them: emails in mixed case with stray spaces, phones
in national and international formats, some missing. Built with Arrow string kernels."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_FIRST = (
    "anna",
    "ben",
    "chloe",
    "david",
    "emma",
    "felix",
    "grace",
    "hugo",
    "iris",
    "jonas",
    "karin",
    "leo",
    "maria",
    "noah",
    "olga",
    "paul",
    "rosa",
    "sam",
    "tara",
    "victor",
)
_LAST = (
    "adams",
    "berger",
    "costa",
    "dubois",
    "evans",
    "fischer",
    "garcia",
    "hansen",
    "ivanova",
    "jensen",
    "keller",
    "lopez",
    "martin",
    "novak",
    "olsen",
    "petit",
    "rossi",
    "schmidt",
    "torres",
    "weber",
)
_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "gmx.net", "icloud.com", "mail.example")
_MISSING_PHONE_SHARE = 0.12


def _pick(rng: np.random.Generator, words: tuple[str, ...], n: int) -> pa.Array:
    return pc.take(pa.array(words), pa.array(rng.integers(0, len(words), size=n)))


def emails(rng: np.random.Generator, customer_id: np.ndarray) -> pa.Array:
    n = len(customer_id)
    sep = pc.take(pa.array([".", "_", ""]), pa.array(rng.choice(3, size=n, p=[0.6, 0.2, 0.2])))
    digits = pa.array(np.where(rng.random(n) < 0.5, (customer_id % 997).astype(str), ""))
    address = pc.binary_join_element_wise(
        _pick(rng, _FIRST, n),
        sep,
        _pick(rng, _LAST, n),
        digits,
        "@",
        _pick(rng, _DOMAINS, n),
        "",
    )
    case = rng.choice(3, size=n, p=[0.65, 0.25, 0.1])
    address = pc.choose(
        pa.array(case), address, pc.utf8_capitalize(address), pc.utf8_upper(address)
    )
    pad = rng.choice(3, size=n, p=[0.84, 0.08, 0.08])
    return pc.choose(
        pa.array(pad),
        address,
        pc.binary_join_element_wise(" ", address, ""),
        pc.binary_join_element_wise(address, "  ", ""),
    )


def phones(rng: np.random.Generator, n: int) -> pa.Array:
    number = pa.array((600_000_000 + rng.integers(0, 200_000_000, size=n)).astype(str))

    def part(start: int, stop: int) -> pa.Array:
        return pc.utf8_slice_codeunits(number, start, stop)

    pairs = [part(0, 1), part(1, 3), part(3, 5), part(5, 7), part(7, 9)]
    formats = [
        pc.binary_join_element_wise("+33", number, ""),
        pc.binary_join_element_wise("0", number, ""),
        pc.binary_join_element_wise("+33", *pairs, " "),
        pc.binary_join_element_wise(
            pc.binary_join_element_wise("0", pairs[0], ""), *pairs[1:], " "
        ),
        pc.binary_join_element_wise(
            pc.binary_join_element_wise("0", pairs[0], ""), *pairs[1:], "-"
        ),
    ]
    chosen = pc.choose(pa.array(rng.integers(0, len(formats), size=n)), *formats)
    missing = pa.array(rng.random(n) < _MISSING_PHONE_SHARE)
    return pc.if_else(missing, pa.nulls(n, pa.string()), chosen)
