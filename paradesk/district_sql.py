"""Which SQL statements reach a student-data table without naming its district (pure: statements
and table names in, offences out; no Django).

On distributed PostgreSQL the district is the distribution key, so a statement that touches a
student-data table without a condition on that table's `district_id` has to ask every node
(docs/architecture.md#the-district-as-distribution-key). This module reads statements as Django
runs them, on SQLite or PostgreSQL (both quote names with double quotes), and names each reference
to such a table, by each alias, that no district condition covers:

- SELECT: the alias's `district_id` is compared (`=` or `IN`) with a value or a subquery in the
  WHERE of its own query or in its JOIN's ON, or it equals the `district_id` of an alias that is
  itself covered (`a.district_id = b.district_id` carries a's district to b), including an alias
  of an enclosing query (a correlated subquery, EXISTS);
- an OR covers an alias only when every branch does;
- UPDATE ... WHERE and DELETE ... WHERE: the same, for the table changed;
- INSERT: `district_id` is among the inserted columns (bulk VALUES lists too);
- SAVEPOINT, RELEASE, BEGIN, COMMIT, ROLLBACK, SET and PRAGMA are not about data and are skipped.

A statement that does not parse but names a student-data table is reported too (fail closed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

DISTRICT_COLUMN = "district_id"
SKIPPED = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|END|SET|PRAGMA|SHOW)\b", re.IGNORECASE)
# Django's debug cursor writes an executemany as "N times: SQL".
MANY_TIMES = re.compile(r"^\s*(\d+|\?) times: ")


@dataclass(frozen=True, order=True)
class Offence:
    """One reference to a student-data table that no district condition covers.

    `fingerprint` is short and stable across runs and databases (no values, no aliases): the kind of
    statement, where the table sits in it, and which of its columns the statement does compare."""

    table: str
    fingerprint: str
    sql: str = field(compare=False, repr=False)


def offences(sql: str, tables: Iterable[str]) -> list[Offence]:
    """Each uncovered reference of `sql` to one of `tables` (table names as in the database)."""
    wanted = frozenset(name.lower() for name in tables)
    sql = MANY_TIMES.sub("", sql, count=1)
    if SKIPPED.match(sql):
        return []
    try:
        statement = sqlglot.parse_one(sql, dialect="postgres")
    except SqlglotError:
        return unparsed(sql, wanted)
    found = Statement(wanted, sql).check(statement)
    return sorted(set(found))


def unparsed(sql: str, wanted: frozenset[str]) -> list[Offence]:
    """A statement the parser refuses is an offence for every student-data table it names."""
    names = {name.lower() for name in re.findall(r'"([A-Za-z0-9_]+)"', sql)}
    return [Offence(table, "UNPARSED", sql) for table in sorted(names & wanted)]


def column_name(node: exp.Expression) -> str:
    return node.name.lower()


def unwrap(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


@dataclass
class Cover:
    """What one condition says about districts: aliases it covers, and district equalities."""

    covered: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)

    def __or__(self, other: Cover) -> Cover:  # AND: both hold
        return Cover(self.covered | other.covered, self.links + other.links)


@dataclass
class Scope:
    """One query level: its own table references (alias -> table) and what encloses it."""

    sources: dict[str, str]
    joined: set[str]
    outer_covered: frozenset[str]
    depth: int
    main_table: str
    owner: exp.Expression | None = None

    def alias_of(self, column: exp.Column) -> str | None:
        """The alias a column belongs to; an unqualified one belongs to the only source, if one."""
        if column.table:
            return column.table.lower()
        return next(iter(self.sources)) if len(self.sources) == 1 else None


class Statement:
    """The walk over one parsed statement, collecting offences."""

    def __init__(self, wanted: frozenset[str], sql: str) -> None:
        self.wanted = wanted
        self.sql = sql
        self.found: list[Offence] = []

    def check(self, statement: exp.Expr) -> list[Offence]:
        if isinstance(statement, exp.Insert):
            self.check_insert(statement)
        elif isinstance(statement, (exp.Update, exp.Delete)):
            self.check_change(statement)
        else:
            self.check_query(statement, frozenset(), depth=0, main_table="")
        return self.found

    # INSERT, UPDATE, DELETE -------------------------------------------------------------------

    def check_insert(self, insert: exp.Insert) -> None:
        target = insert.this
        table = target.this if isinstance(target, exp.Schema) else target
        name = table.name.lower() if isinstance(table, exp.Table) else ""
        columns = {column_name(c) for c in target.expressions} if isinstance(target, exp.Schema) else set()
        if name in self.wanted and DISTRICT_COLUMN not in columns:
            self.report(name, "INSERT without district_id")
        source = insert.expression
        if isinstance(source, exp.Query):
            self.check_query(source, frozenset(), depth=1, main_table=name)

    def check_change(self, statement: exp.Update | exp.Delete) -> None:
        table = statement.this
        if not isinstance(table, exp.Table):
            return
        name = table.name.lower()
        alias = table.alias_or_name.lower()
        scope = Scope({alias: name}, set(), frozenset(), 0, name, statement)
        where = statement.args.get("where")
        conditions = [where.this] if where is not None else []
        kind = "UPDATE" if isinstance(statement, exp.Update) else "DELETE"
        covered = self.check_scope(scope, conditions, kind)
        for query in child_queries(statement):
            self.check_query(query, covered, depth=1, main_table=name)

    # SELECT ---------------------------------------------------------------------------------

    def check_query(self, query: exp.Expr, outer: frozenset[str], depth: int, main_table: str) -> None:
        """A SELECT (or a UNION of them) at some depth, with the aliases its enclosing query covers."""
        if isinstance(query, exp.SetOperation):
            for side in (query.this, query.expression):
                self.check_query(side, outer, depth, main_table)
            return
        if isinstance(query, exp.Subquery):
            self.check_query(query.this, outer, depth, main_table)
            return
        if not isinstance(query, exp.Select):
            return
        from_ = query.args.get("from_")
        joins = query.args.get("joins") or []
        sources, joined, derived = self.sources_of(from_, joins)
        main = main_table or next(iter(sources.values()), "")
        scope = Scope(sources, joined, outer - set(sources), depth, main, query)
        where = query.args.get("where")
        conditions = [where.this] if where is not None else []
        conditions += [join.args["on"] for join in joins if join.args.get("on") is not None]
        covered = self.check_scope(scope, conditions, "SELECT")
        for inner in [*derived, *child_queries(query)]:
            self.check_query(inner, covered, depth + 1, main)

    def sources_of(
        self, from_: exp.From | None, joins: list[exp.Join]
    ) -> tuple[dict[str, str], set[str], list[exp.Expression]]:
        """A query's table references (alias -> table name), the joined aliases, and derived tables."""
        sources: dict[str, str] = {}
        joined: set[str] = set()
        derived: list[exp.Expression] = []
        items = ([(from_.this, False)] if from_ is not None else []) + [(j.this, True) for j in joins]
        for item, is_join in items:
            if isinstance(item, exp.Table):
                alias = item.alias_or_name.lower()
                sources[alias] = item.name.lower()
                if is_join:
                    joined.add(alias)
            elif isinstance(item, exp.Subquery):
                derived.append(item.this)
        return sources, joined, derived

    def check_scope(self, scope: Scope, conditions: list[exp.Expression], kind: str) -> frozenset[str]:
        """Report the scope's uncovered student-data aliases; hand back every covered alias."""
        cover = Cover()
        for condition in conditions:
            cover = cover | district_cover(condition, scope)
        covered = spread(cover.covered | scope.outer_covered, cover.links)
        for alias, table in scope.sources.items():
            if table in self.wanted and alias not in covered:
                self.report(table, self.fingerprint(kind, scope, alias, conditions))
        return frozenset(covered)

    def fingerprint(self, kind: str, scope: Scope, alias: str, conditions: list[exp.Expression]) -> str:
        """`SELECT people_student [join in plans_plan] by id`: no values, no aliases."""
        place = "subquery" if scope.depth else ("join" if alias in scope.joined else "from")
        table = scope.sources[alias]
        where = f" in {scope.main_table}" if scope.main_table and scope.main_table != table else ""
        columns = sorted(
            {
                column_name(column)
                for condition in conditions
                for column in condition.find_all(exp.Column)
                if scope.alias_of(column) == alias and owner_of(column) is scope.owner
            }
        )
        by = ", ".join(columns) if columns else "nothing"
        return f"{kind} [{place}{where}] by {by}"

    def report(self, table: str, fingerprint: str) -> None:
        self.found.append(Offence(table, fingerprint, self.sql))


def child_queries(node: exp.Expression) -> Iterator[exp.Expression]:
    """The queries directly inside `node` (not those inside them), leaving out its FROM and its
    joined tables (`Query.sources_of` reads those) but not a JOIN's ON."""
    for child in node.iter_expressions():
        if isinstance(child, (exp.Select, exp.SetOperation)):
            yield child
        elif isinstance(child, exp.Join):
            on = child.args.get("on")
            if on is not None:
                yield from child_queries(on)
        elif not isinstance(child, exp.From):
            yield from child_queries(child)


def owner_of(column: exp.Column) -> exp.Expression | None:
    """The statement or query a column is written in (a subquery's columns are its own)."""
    return column.find_ancestor(exp.Select, exp.Update, exp.Delete)


def spread(covered: set[str], links: list[tuple[str, str]]) -> set[str]:
    """Carry coverage along district equalities until nothing changes."""
    covered = set(covered)
    changed = True
    while changed:
        changed = False
        for left, right in links:
            if (left in covered) != (right in covered):
                covered |= {left, right}
                changed = True
    return covered


def district_cover(condition: exp.Expression, scope: Scope) -> Cover:
    """What `condition` guarantees about districts: an AND holds each part, an OR only what every
    branch covers, a comparison covers a district column compared with a value or a subquery."""
    node = unwrap(condition)
    if isinstance(node, exp.And):
        return district_cover(node.this, scope) | district_cover(node.expression, scope)
    if isinstance(node, exp.Or):
        left, right = district_cover(node.this, scope), district_cover(node.expression, scope)
        return Cover(left.covered & right.covered)
    if isinstance(node, exp.EQ):
        return equality_cover(unwrap(node.this), unwrap(node.expression), scope)
    if isinstance(node, exp.In):
        alias = district_alias(unwrap(node.this), scope)
        return Cover({alias}) if alias else Cover()
    return Cover()


def equality_cover(left: exp.Expression, right: exp.Expression, scope: Scope) -> Cover:
    left_alias, right_alias = district_alias(left, scope), district_alias(right, scope)
    if left_alias and right_alias:
        return Cover(links=[(left_alias, right_alias)])
    if left_alias and is_value(right):
        return Cover({left_alias})
    if right_alias and is_value(left):
        return Cover({right_alias})
    return Cover()


def district_alias(node: exp.Expression, scope: Scope) -> str | None:
    """The alias whose district column `node` is, if it is one."""
    if isinstance(node, exp.Cast):
        node = unwrap(node.this)
    if isinstance(node, exp.Column) and column_name(node) == DISTRICT_COLUMN:
        return scope.alias_of(node)
    return None


def is_value(node: exp.Expression) -> bool:
    """A literal, a parameter, a cast of one, or a subquery: anything naming no column of this query."""
    if isinstance(node, (exp.Subquery, exp.Select)):
        return True
    return node.find(exp.Column) is None
