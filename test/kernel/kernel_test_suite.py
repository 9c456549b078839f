"""The Jupyter project's jupyter_kernel_test suite (Debian's python3-jupyter-kernel-test)
run against the kernelspec named by $GREENLET_TS_KERNEL.

It checks kernel_info, stdout and stderr of execute (nothing else on stderr),
the error message of a failing cell, execute_result, display_data, history,
is_complete, completion, inspect and clear_output, validating messages
against the v5 schemas.
"""
import os
import unittest

import jupyter_kernel_test


class GreenletTsKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("GREENLET_TS_KERNEL", "greenlet-ts")
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('oops')"
    completion_samples = [{"text": "getcurr", "matches": {"getcurrent"}}]
    complete_code_samples = ["1 + 1", "const x: number = 1", "function f() { return 1 }"]
    incomplete_code_samples = ["function f() {", "const a = [1,", "if (x) {\n  if (y) {"]
    invalid_code_samples = ["x = )", "let let = 1 +* 2"]
    code_generate_error = "throw new Error('boom')"
    code_execute_result = [{"code": "6 * 7", "result": "42"}, {"code": "'text'", "result": "'text'"}]
    code_display_data = [
        {"code": "display.html('<b>hi</b>')", "mime": "text/html"},
        {"code": "display.svg('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')", "mime": "image/svg+xml"},
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "getcurrent"
    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main(verbosity=2)
