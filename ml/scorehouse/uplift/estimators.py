"""Where the uplift estimators lived before :mod:`scorehouse.estimators`: pipelines pickled
then name this module, so it stays for loading them."""

from scorehouse.estimators import ClassTransformationUplift, TwoModelUplift

__all__ = ["ClassTransformationUplift", "TwoModelUplift"]
