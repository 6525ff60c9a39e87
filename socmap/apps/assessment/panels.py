"""What assessment adds to other apps' pages (registered in ``apps.py``, see ``core.panels``).

On a group's page: the group's threat assessment when there is one the viewer may see, or the link to
assess the group as a threat while it has none. A threat the viewer may not see leaves no trace.
"""

from __future__ import annotations

from typing import Any

from socmap.apps.assessment.models import Threat
from socmap.apps.core.models import Role, User
from socmap.apps.core.visibility import decide
from socmap.apps.network.models import OCG, OCGStatus


def ocg_threat_panel(*, viewer: User, obj: OCG) -> dict[str, Any] | None:
    """The group page's line on its threat: the threat's score and band, or "assess this group"."""
    threat = Threat.objects.filter(ocg=obj).first()
    if threat is not None:
        return {"threat": threat} if decide(viewer, threat).visible else None
    # A group has one threat record: it is offered for assessment only while it has none.
    if obj.status != OCGStatus.ARCHIVED and viewer.has_role(Role.ANALYST, Role.SUPERVISOR):
        return {"threat": None, "ocg": obj}
    return None
