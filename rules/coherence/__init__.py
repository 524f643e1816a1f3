"""Official coherence controls (CCH) of the norm, one module per block family; `conditions` is their helper library."""
from . import adhesion  # noqa: F401  (registration of the rule modules)
from . import contract  # noqa: F401
from . import declaration  # noqa: F401
from . import employer  # noqa: F401
from . import individual  # noqa: F401
from . import organism_payments  # noqa: F401
from . import remuneration  # noqa: F401
from . import arret  # noqa: F401
from . import fin_contrat  # noqa: F401
from . import affiliation  # noqa: F401
from . import bases  # noqa: F401
from . import signals  # noqa: F401
from . import non_salaries  # noqa: F401
from . import retirement  # noqa: F401
from . import emitter  # noqa: F401
