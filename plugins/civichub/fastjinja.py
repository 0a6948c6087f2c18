"""Jinja, leaner where a build spends its time: output escaping and macro imports.

Escaping. With autoescape on, Jinja compiles every `{{ value }}` to `escape(value)`:
markupsafe.escape returns a new Markup, made through Markup.__new__ in Python, only for the
page's parts to be joined into one str right after. A scale-10 build escapes about two million
values. `escape_text` gives the same characters as a plain str, at about a fifth of the cost
(0.06 µs against 0.32 µs for a name). Only outputs change: what a macro, a block, a
`{% set %}` or a `{% filter %}` returns is still the Markup that Jinja wraps around the joined
parts, so nothing downstream can tell text that was escaped from text marked safe.

Imports. `{% import "macros.html" as m with context %}` runs the macro file again for every page
(its Macro objects, the files it imports in turn): 20 to 50 µs a page, a tenth of a person's
page. The module made for one page serves the next one when every name the macro file and the
files it imports read from the context (SITEURL, hub, url_for...) has the same value there;
`Modules` keeps the last few modules of each file, keyed by those values. A theme whose macros
read something that changes on every page gets a module per page, as before.

Calls. Context.call asks every callee whether it takes the context; CallingContext keeps the
answer per function and per class (and knows macros and builtins never do), and binds a macro's
arguments itself when they are plain ones (call_macro).
"""
from __future__ import annotations

from types import BuiltinFunctionType, FunctionType, MethodType

from jinja2 import compiler, meta, nodes
from jinja2.runtime import Context, Macro, missing
from jinja2.utils import internalcode
from markupsafe import Markup

try:
    from markupsafe import _escape_inner  # the C function behind markupsafe.escape
except ImportError:  # another markupsafe: its escape, as a str
    from markupsafe import escape

    def _escape_inner(text: str) -> str:
        return str(escape(text))


def escape_text(value) -> str:
    """markupsafe.escape(value), as a plain str (or what the value's __html__ gives)."""
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return _escape_inner(str(value))


class CodeGenerator(compiler.CodeGenerator):
    def _output_child_pre(self, node, frame, finalize) -> None:
        if not frame.eval_ctx.autoescape or frame.eval_ctx.volatile:
            super()._output_child_pre(node, frame, finalize)
            return
        # `environment` is an argument (or a closure's variable) of every function Jinja generates
        self.write("environment.escape_text(")
        if finalize.src is not None:
            self.write(finalize.src)

    def visit_Template(self, node, frame=None) -> None:
        super().visit_Template(node, frame)
        if node.find(nodes.Macro) is not None:  # a macro file: what Modules needs to know of it
            referenced = tuple(meta.find_referenced_templates(node))
            self.writeline(f"civichub_reads = {tuple(sorted(meta.find_undeclared_variables(node)))!r}")
            self.writeline(f"civichub_templates = {None if None in referenced else referenced!r}")

    def _import_common(self, node, frame) -> None:
        if not node.with_context or self.environment.is_async:
            super()._import_common(node, frame)
            return
        self.write("environment.module_with_context(environment.get_template(")
        self.visit(node.template, frame)
        self.write(f", {self.name!r}), context, {self.dump_local_context(frame)})")


# The compiled templates' file names in the bytecode cache: code compiled by Jinja's own
# generator, or by an earlier CodeGenerator, is not reused (bump it when CodeGenerator changes).
BYTECODE_NAMES = "__civichub_fastjinja_2_%s.cache"
# Read by every template through the i18n extension, whatever their sources say.
ALWAYS_READ = ("_", "gettext", "ngettext")
KEPT = 8  # modules kept per macro file: one per page depth (relative SITEURL) is what a site needs


class Modules:
    """The module of a macro file imported with context, made again only when a name it reads
    from the context has a value it was not made with."""

    def __init__(self, environment):
        self.environment = environment
        self.names: dict[str, tuple[str, ...] | None] = {}
        self.made: dict[str, list[tuple[tuple, object]]] = {}

    def __call__(self, template, context, local_vars: dict):
        names = self.names_read(template.name)
        if names is None:
            return template.make_module(context.get_all(), True, local_vars)
        values = tuple(self.value(name, context, local_vars) for name in names)
        made = self.made.setdefault(template.name, [])
        for known, module in made:
            if all(a is b or (type(a) is str and a == b) for a, b in zip(known, values)):
                return module
        module = template.make_module(context.get_all(), True, local_vars)
        made.insert(0, (values, module))
        del made[KEPT:]
        return module

    @staticmethod
    def value(name: str, context, local_vars: dict):
        found = local_vars.get(name, missing)
        return context.resolve_or_missing(name) if found is missing else found

    def names_read(self, name: str | None) -> tuple[str, ...] | None:
        """The names that template and those it imports or includes read from the context, as
        CodeGenerator noted them when it compiled them; None when one of them is named at run
        time, cannot be loaded, was compiled otherwise, or imports the first."""
        if name is None:
            return None
        if name not in self.names:
            self.names[name] = None  # (until known: a file imported again on the way gives None)
            try:
                noted = self.environment.get_template(name).root_render_func.__globals__
            except Exception:  # noqa: BLE001 - Jinja reports it when the template is used
                return None
            if "civichub_reads" not in noted or noted["civichub_templates"] is None:
                return None
            read = set(noted["civichub_reads"]) | set(ALWAYS_READ)
            for other in noted["civichub_templates"]:
                theirs = self.names_read(other)
                if theirs is None:
                    return None
                read |= set(theirs)
            self.names[name] = tuple(sorted(read))
        return self.names[name]


class CallingContext(Context):
    """Context.call (900,000 calls at scale 10) asks every callee whether it takes the context,
    the environment or the evaluation context (four attribute lookups). Macros and builtins
    never do; a function's or a method's answer is kept, and so is a class's for its instances
    (url_for: 125,000 calls) unless one holds an answer of its own. What takes one goes through
    Jinja's own call, as does anything else. A page's rendering, the fastest of 15 alternated
    renders of the same 1,000 pages in one process (2026-12-06): a person's 0.401 -> 0.364 ms,
    an actor's 0.751 -> 0.697, a session's 0.705 -> 0.587, a roundup's 1.69 -> 1.32."""

    @internalcode  # left out of a template error's traceback, as Jinja's own call is
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        kind = type(__obj)
        if kind is Macro:
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            return call_macro(__obj, args, kwargs)
        if kind is BuiltinFunctionType:
            passed = None
        elif kind is MethodType:
            passed = passed_arg(__obj.__func__)
        elif kind is FunctionType:
            passed = passed_arg(__obj)
        else:
            own = getattr(__obj, "__dict__", None)
            passed = missing if own and ("jinja_pass_arg" in own or "__call__" in own) else passed_arg(kind)
        if passed is not None:
            return Context.call(__self, __obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")


@internalcode  # as Jinja's Macro.__call__: left out of a template error's traceback
def call_macro(macro: Macro, args: tuple, kwargs: dict):
    """macro(*args, **kwargs), the arguments bound here when the macro names them all and takes
    no caller, *varargs or **kwargs (most calls): Macro.__call__ binds every call for the general
    case, 2.4 µs a call against 1.3 µs. Missing arguments are passed as `missing`, which the
    macro's code replaces with their defaults, as Macro.__call__ does. Anything else, mistakes
    included, goes through Macro.__call__ and its messages."""
    count = macro._argument_count
    if macro.caller or macro.catch_kwargs or macro.catch_varargs or macro.explicit_caller or len(args) > count:
        return macro(*args, **kwargs)
    if kwargs:
        rest = macro.arguments[len(args):]
        if any(name not in rest for name in kwargs):
            return macro(*args, **kwargs)
        args = (*args, *[kwargs.get(name, missing) for name in rest])
    elif len(args) < count:
        args = (*args, *(missing,) * (count - len(args)))
    made = macro._func(*args)  # a str (the joined parts): wrapped without Markup.__new__'s checks
    return str.__new__(Markup, made) if macro._default_autoescape else made


PASSED: dict = {}  # function or class -> what it takes (None: nothing; missing: ask Jinja)


def passed_arg(callee):
    """A function's jinja_pass_arg; for a class, what its instances take, missing when Jinja must
    be asked each time (a class, whose own bases may answer; __getattr__, which may answer
    anything)."""
    found = PASSED.get(callee, missing)
    if found is missing:
        if len(PASSED) > 4096:  # functions made on the fly are not kept for ever
            PASSED.clear()
        if not isinstance(callee, type):
            found = getattr(callee, "jinja_pass_arg", None)
        elif issubclass(callee, type) or hasattr(callee, "__getattr__"):
            found = missing
        else:
            takes = getattr(getattr(callee, "__call__", None), "jinja_pass_arg", None)
            found = missing if takes is not None else getattr(callee, "jinja_pass_arg", None)
        PASSED[callee] = found
    return found


def install(environment) -> None:
    """Compile the environment's templates with CodeGenerator (before any is compiled)."""
    environment.context_class = CallingContext
    environment.code_generator_class = CodeGenerator
    environment.escape_text = escape_text
    environment.module_with_context = Modules(environment)
