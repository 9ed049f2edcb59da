"""SLA evaluation, alerts, webhook delivery and the kill switch (``scorehouse monitor``).

The dbt monitoring models (``models/monitoring``) measure drift, quality and freshness in
the warehouse; this package reads those tables, decides which SLA rules each model breaks,
records and delivers alerts, and switches a model to its rule baseline or off.
"""

from scorehouse.monitoring.actions import Enabled, enable_model
from scorehouse.monitoring.monitor import ModelResult, MonitorReport, monitor, run_monitor

__all__ = ["Enabled", "ModelResult", "MonitorReport", "enable_model", "monitor", "run_monitor"]
