"""A synthetic B2C retailer for demos and tests: generation, warehouse loading, seeds."""

from scorehouse.demo.load import load_demo
from scorehouse.demo.sample import write_seeds
from scorehouse.demo.simulate import MIN_CUSTOMERS, generate
from scorehouse.demo.write import WriteReport, write_batches

__all__ = ["MIN_CUSTOMERS", "WriteReport", "generate", "load_demo", "write_batches", "write_seeds"]
