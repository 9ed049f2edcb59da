"""What the dbt package builds in a user's project: every model documented, none of the
demo retailer's, no demo default in its SQL."""

from __future__ import annotations

import re

import yaml

from tests.support.project import EXAMPLE, REPO


def _documented() -> dict[str, dict]:
    found = {}
    for path in (REPO / "models").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            found[model["name"]] = model
    return found


def test_every_package_model_has_a_description():
    documented = _documented()
    models = sorted(p.stem for p in (REPO / "models").rglob("*.sql"))
    assert models
    missing = [m for m in models if not (documented.get(m) or {}).get("description")]
    assert not missing, f"undocumented models: {missing}"


def test_the_package_holds_nothing_of_the_retailer():
    retailer = {p.stem for p in (EXAMPLE / "models").rglob("*.sql")}
    retailer |= {"customer_features", "customer_training", "stg_raw__customers"}
    text = "\n".join(p.read_text() for p in (REPO / "models").rglob("*.sql"))
    text += "\n".join(p.read_text() for p in (REPO / "macros").rglob("*.sql"))
    mentioned = sorted(name for name in retailer if re.search(rf"\b{name}\b", text))
    assert not mentioned, f"the package names the retailer's relations: {mentioned}"
    config = yaml.safe_load((REPO / "dbt_project.yml").read_text())
    assert config["seed-paths"] == [] and not (REPO / "models" / "ml").exists()


def test_no_demo_default_in_the_package():
    """No campaign ids, shares, channel names or regions of the demo in the package's SQL."""
    text = "\n".join(p.read_text() for p in (REPO / "models").rglob("*.sql"))
    text += "\n".join(p.read_text() for p in (REPO / "macros").rglob("*.sql"))
    for demo in ("demo_plan", "'north'", "'south'", "'capital'", "retailer", "0.8:", "0.5:"):
        assert demo not in text, demo
