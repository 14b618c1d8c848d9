"""nbconvert's ExecutePreprocessor, keeping outputs that arrive after their cell went idle.

The Deno kernel now and then publishes a cell's execute_result after its `status: idle` message
(measured with jupyter_client: 1 of 60 executions). nbclient stops reading a cell's messages at idle
and ignores messages of earlier cells, so such an output vanished from the executed notebook. This
preprocessor routes an output message whose parent is an earlier cell into that cell, while it
reads the messages of the cells after it (the export appends a short drain cell for the last one).
"""
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async
from nbconvert.preprocessors import ExecutePreprocessor

OUTPUT_TYPES = ("execute_result", "display_data", "update_display_data", "stream", "error")


class LateOutputExecutePreprocessor(ExecutePreprocessor):
    """ExecutePreprocessor that files late output messages under the cell that sent them."""

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        cells = self.__dict__.setdefault("_quantnb_cells", {})
        cells[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            parent = msg["parent_header"].get("msg_id")
            if parent == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            elif parent in cells and msg["msg_type"] in OUTPUT_TYPES:
                late_cell, late_index = cells[parent]
                self.process_message(msg, late_cell, late_index)
