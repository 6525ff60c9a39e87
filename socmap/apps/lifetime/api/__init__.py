"""Lifetime management over the API (/api/v1/lifetime/): one router, its operations by concern."""

from socmap.apps.lifetime.api import disruptions, orders, plans
from socmap.apps.lifetime.api.common import router

__all__ = ["disruptions", "orders", "plans", "router"]
