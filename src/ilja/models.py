"""Every domain's tables, imported in one place so Alembic and tests see the whole schema.

A domain with tables adds one import line here.
"""

from ilja.accounts import audit as _audit  # noqa: F401 - audit_published_heads
from ilja.accounts import models as _accounts  # noqa: F401
from ilja.applications import models as _applications  # noqa: F401
from ilja.db import Base
from ilja.decisions import models as _decisions  # noqa: F401
from ilja.matching import models as _matching  # noqa: F401
from ilja.messages import models as _messages  # noqa: F401
from ilja.outcomes import models as _outcomes  # noqa: F401
from ilja.people import consent_models as _consents  # noqa: F401
from ilja.people import models as _people  # noqa: F401
from ilja.privacy import models as _privacy  # noqa: F401
from ilja.programs import models as _programs  # noqa: F401
from ilja.publicjobs import attendance_models as _pj_attendance  # noqa: F401
from ilja.publicjobs import models as _publicjobs  # noqa: F401
from ilja.publicjobs import payment_models as _payments  # noqa: F401
from ilja.selection import models as _selection  # noqa: F401
from ilja.support import models as _support  # noqa: F401
from ilja.training import models as _training  # noqa: F401
from ilja.verification import models as _verification  # noqa: F401

metadata = Base.metadata
