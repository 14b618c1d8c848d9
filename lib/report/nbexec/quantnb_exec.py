"""The export's Python side: execute a notebook with nbclient, or convert an executed one to HTML.

    python3 quantnb_exec.py execute TIMEOUT OUT.ipynb < notebook.json   (runs in the notebook's folder)
    python3 quantnb_exec.py html TEMPLATE_DIR INPUT|NOINPUT IN.ipynb OUT.html

It imports nbclient and nbconvert's HTMLExporter directly instead of going through `jupyter nbconvert`,
whose application start-up (entry-point scans, every exporter) costs 2-3 s per call here (measured:
`jupyter-nbconvert --version` 2.8 s wall / 0.9 s CPU, `import nbclient` 0.2 s CPU); errors are the
same nbclient exceptions (CellExecutionError, CellTimeoutError, NoSuchKernel) nbconvert prints.

The Deno kernel now and then publishes a cell's execute_result after its `status: idle` message
(measured with jupyter_client: 1 of 60 executions). nbclient stops reading a cell's messages at idle
and ignores messages of earlier cells, so such an output vanished from the executed notebook.
`LateOutputClient` routes an output message whose parent is an earlier cell into that cell, while it
reads the messages of the cells after it (the export appends a short drain cell for the last one).
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

OUTPUT_TYPES = ("execute_result", "display_data", "update_display_data", "stream", "error")


class LateOutputClient(NotebookClient):
    """NotebookClient that files late output messages under the cell that sent them."""

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


def execute(timeout, out):
    notebook = nbformat.read(sys.stdin, as_version=4)
    LateOutputClient(
        notebook,
        kernel_name="deno",
        timeout=timeout,
        # nbclient stops collecting a cell's outputs 4 s after its reply by default; on a busy machine
        # the kernel's execute_result for a large view can come later than that and would be dropped.
        iopub_timeout=timeout,
        raise_on_iopub_timeout=True,
        resources={"metadata": {"path": os.getcwd()}},
    ).execute()
    nbformat.write(notebook, out)


def html(template_dir, inputs, source, out):
    from nbconvert.exporters import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TemplateExporter.extra_template_basedirs = [template_dir]
    if inputs == "NOINPUT":  # what nbconvert's --no-input sets
        config.TemplateExporter.exclude_input = True
        config.TemplateExporter.exclude_input_prompt = True
        config.TemplateExporter.exclude_output_prompt = True
    body, _ = HTMLExporter(config=config, template_name="quantnb").from_filename(source)
    with open(out, "w", encoding="utf-8") as f:
        f.write(body)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "execute":
        execute(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "html":
        html(*sys.argv[2:])
    else:
        sys.exit(__doc__)
