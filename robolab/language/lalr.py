"""Lark's LALR parser, run by one tight loop: the same grammar, tables, contextual lexers and
transformer callbacks, in about half the time for a big program.

Lark drives a parse through a generator, a line counter, a token constructor and a parser
state object for every token, and calls a wrapper for every rule, even a rule like
`?sum: term` that only passes its one child up. Here all of that is one loop over local
variables; such a rule costs no call, punctuation that no rule keeps gets no Token, and the
helper rules that repetition (`arg*`) becomes give lists, not Trees taken apart again. The result is the one Lark builds (tests/test_lalr.py
compares them). Any text that is not valid gives None at the first unexpected character or
token, so the caller lets Lark read it again and raise its own error, with its own positions.
An error raised by a transformer callback (a number too large) goes up as from Lark.
"""

from functools import partial

from lark import Lark, Token
from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild
from lark.parsers.lalr_analysis import Shift

_new_str = str.__new__


class QuickParser:
    def __init__(self, lark: Lark, start: str):
        frontend = lark.parser
        table = frontend.parser.parser.parse_table
        callbacks = frontend.parser.parser.callbacks
        self.start_state, self.end_state = table.start_states[start], table.end_states[start]
        # A terminal's own callback (a transformer method named after it) runs when it is shifted.
        self.shifted = {name: f for name, f in callbacks.items() if isinstance(name, str)}
        reductions = {}
        as_lists = all(_builds_tree(rule, callbacks[rule]) for rule in callbacks
                       if not isinstance(rule, str) and rule.origin.name.startswith("_"))

        def reduction(rule):
            """(children, rule name, callback); no callback for a one-child rule that is its child."""
            if rule not in reductions:
                callback = callbacks[rule]
                if type(callback) is ExpandSingleChild and len(rule.expansion) == 1:
                    callback = None
                elif as_lists:
                    callback = _spliced(rule, callback)
                reductions[rule] = (len(rule.expansion), rule.origin.name, callback)
            return reductions[rule]

        self.actions = {state: {symbol: (True, target) if action is Shift else (False, reduction(target))
                                for symbol, (action, target) in row.items()}
                        for state, row in table.states.items()}
        dropped = _dropped(callbacks) - set(self.shifted) if as_lists else set()
        self.lexers = {}
        for state, lexer in frontend.lexer.lexers.items():
            scanner = lexer.scanner  # built by Lark with its keyword rules (a NAME that is `true`...)
            ignore, callback, newline_types = lexer.ignore_types, lexer.callback, lexer.newline_types
            skip = frozenset(kind for kind in ignore if kind not in callback and kind not in newline_types)
            self.lexers[state] = (_matcher(scanner._mres), skip, frozenset(dropped - set(callback) - ignore),
                                  ignore, callback, newline_types)

    def parse(self, text: str):
        """What Lark's parse(text) returns, or None when the text is not valid."""
        actions, lexers, shifted = self.actions, self.lexers, self.shifted
        states, values = [self.start_state], []
        pos, line, line_start, end = 0, 1, 0, len(text)
        while pos < end:
            match, skip, dropped, ignore, callback, newline_types = lexers[states[-1]]
            found = match(text, pos)
            if found is None:
                return None
            kind = found.lastgroup
            if kind in skip:
                pos = found.end()
                continue
            value, stop = found.group(), found.end()
            if kind in dropped:  # no rule keeps it ("=", "{", a line's end): its text stands in
                if kind in newline_types and "\n" in value:
                    line += value.count("\n")
                    line_start = pos + value.rindex("\n") + 1
                pos, token = stop, value
            else:
                token, ignored = None, kind in ignore
                if not ignored or kind in callback:
                    token = _new_str(Token, value)
                    token.type, token.value, token.start_pos, token.line = kind, value, pos, line
                    token.column = pos - line_start + 1
                if kind in newline_types and "\n" in value:
                    line += value.count("\n")
                    line_start = pos + value.rindex("\n") + 1
                pos = stop
                if token is None:
                    continue
                token.end_line, token.end_column, token.end_pos = line, stop - line_start + 1, stop
                if kind in callback:
                    token = callback[kind](token)
                    kind = token.type
                if ignored:
                    continue
            while True:  # reduce (inlined: this runs for most tokens) until the token shifts
                action = actions[states[-1]].get(kind)
                if action is None:
                    return None
                shift, target = action
                if shift:
                    states.append(target)
                    values.append(shifted[kind](token) if kind in shifted else token)
                    break
                size, name, rule_callback = target
                if rule_callback is None:
                    del states[-1]
                else:
                    if size:
                        children = values[-size:]
                        del states[-size:], values[-size:]
                    else:
                        children = []
                    values.append(rule_callback(children))
                states.append(actions[states[-1]][name][1])
        while True:
            action = actions[states[-1]].get("$END")
            if action is None or action[0]:
                return None
            _reduce(actions, states, values, action[1])
            if states[-1] == self.end_state:
                return values[-1]


def _reduce(actions, states, values, reduction) -> None:
    size, name, callback = reduction
    if callback is None:  # one child, passed up as it is
        del states[-1]
    else:
        if size:
            children = values[-size:]
            del states[-size:], values[-size:]
        else:
            children = []
        values.append(callback(children))
    states.append(actions[states[-1]][name][1])


def _builds_tree(rule, callback) -> bool:
    """Whether Lark builds a plain Tree for a helper rule (the `_`-named rules that repetition
    like `arg*` becomes, whose children the rule above takes in as its own)."""
    if type(callback) is ChildFilterLALR_NoPlaceholders:
        callback = callback.node_builder
    return isinstance(callback, partial) and callback.args == (rule.origin.name,) and not rule.alias


def _spliced(rule, callback):
    """The rule's callback, where a helper rule's children stay a list instead of becoming a Tree
    only to be taken apart again by the rule above (three calls fewer for each `arg` of a line)."""
    helper = rule.origin.name.startswith("_")
    if type(callback) is not ChildFilterLALR_NoPlaceholders:
        return (lambda children: children) if helper else callback
    include, builder = callback.to_include, callback.node_builder
    if not helper and not any(expand for _, expand in include):
        return callback

    def build(children):  # as ChildFilterLALR_NoPlaceholders, taking in a helper's list
        kept = []
        for index, expand in include:
            if not expand:
                kept.append(children[index])
            elif kept:
                kept += children[index]
            else:
                kept = children[index]
        return kept if helper else builder(kept)
    return build


def _dropped(callbacks) -> set[str]:
    """Terminals that every rule using them leaves out of its children (punctuation, `_NL`)."""
    kept, left_out = set(), set()
    for rule in callbacks:
        if isinstance(rule, str):
            continue
        for symbol in rule.expansion:
            if symbol.is_term:
                dropped = symbol.filter_out and not rule.options.keep_all_tokens
                (left_out if dropped else kept).add(symbol.name)
    return left_out - kept


def _matcher(patterns):
    """match(text, pos) over Lark's scanner patterns (one unless the grammar has over 100 terminals)."""
    if len(patterns) == 1:
        return patterns[0].match

    def match(text, pos):
        for pattern in patterns:
            if found := pattern.match(text, pos):
                return found
        return None
    return match
