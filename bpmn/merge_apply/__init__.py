"""Apply UPSTREAM's changes to LOCAL: the writing half of the three-way merge (bpmn/merge.py).

An ``Applier`` edits the LOCAL model's tree in place, reading every value from the UPSTREAM model
rather than from the diff's words, so lane names renamed locally, ids another tool regenerated
and properties the diff names only as paths are still applied exactly. ``ids`` maps UPSTREAM ids
to LOCAL ids (matched elements, elements both sides added) and grows as elements are copied in.

The edits are those of bpmn.edit, done here on a tree index that is kept up to date edit by edit
(``TreeIndex``): bpmn.edit re-indexes the whole model after every edit, which for a merge of a
hundred changes into a model of a thousand nodes costs seconds. Call ``finish()`` at the end; it
re-indexes the Model once. Moving into a sub-process is rare and goes through
``bpmn.edit.move_to_container`` itself.

Copying an element UPSTREAM added: a copy without its nested flow elements (they are added on
their own), references mapped to LOCAL ids (messages and other root elements it needs are copied
too), colliding inner ids replaced. Its shape goes where UPSTREAM drew it, shifted by the offset
of its lane, sub-process or pool in LOCAL, then sideways along its row until it is clear of
LOCAL's shapes; lanes and pools grow to hold it. An added flow keeps UPSTREAM's waypoints when
both ends are drawn where UPSTREAM drew them, else it is routed afresh.

Modules: applier (Applier: state and lookups), tree_index (TreeIndex), and one mixin of Applier
per concern: changes (names, types, lanes, flow ends, moves), properties, adding (added,
restored and adopted elements), copying, removal, diagram (bounds, waypoints, shapes and edges of
copies), placement (where a copied shape goes); names (namespaces, kind sets), errors.
"""

from procex.bpmn.merge_apply.applier import Applier
from procex.bpmn.merge_apply.errors import MergeApplyError
from procex.bpmn.merge_apply.names import FLOW_ENDS_KINDS
from procex.bpmn.merge_apply.tree_index import TreeIndex

__all__ = ["Applier", "FLOW_ENDS_KINDS", "MergeApplyError", "TreeIndex"]
