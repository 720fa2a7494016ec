"""The Databricks SQL dialect the fake Databricks accepts on top of PostgreSQL: three-level
names (catalog.schema.table) become PostgreSQL schemas named "catalog.schema", backquoted
identifiers become double-quoted, Spark type names become PostgreSQL's, Delta-only clauses
are dropped, and COPY INTO is parsed here and executed by the fake against Ceph RGW.

COPY INTO catalog.schema.table [BY POSITION | (col, ...)]
  FROM 's3://bucket/path' [WITH (CREDENTIAL `name`)]
  FILEFORMAT = CSV | JSON
  [FILES = ('name', ...) | PATTERN = 'glob']
  [FORMAT_OPTIONS ('header' = 'true', 'sep' = ',', 'nullValue' = '', ...)]
  [COPY_OPTIONS ('force' = 'true', 'mergeSchema' = 'false')]
"""

import re

from warehouse_common import tokenize

IDENT = r"(?:`[^`]+`|\"[^\"]+\"|[A-Za-z_]\w*)"
THREE = re.compile(r"(?<![\w.\"`])(%s)\.(%s)\.(%s)(?![\w\"`])" % (IDENT, IDENT, IDENT))
TWO_AFTER_KEYWORD = re.compile(
    r"\b(TABLE|INTO|FROM|JOIN|UPDATE|EXISTS|VIEW)(\s+)(%s)\.(%s)(?![\w.\"`])" % (IDENT, IDENT),
    re.I)
TYPES = [(r"\bSTRING\b", "TEXT"), (r"\bBINARY\b", "BYTEA"), (r"\bDOUBLE\b(?!\s+PRECISION)",
                                                            "DOUBLE PRECISION"),
         (r"\bTINYINT\b", "SMALLINT"), (r"\bLONG\b", "BIGINT"),
         (r"\bTIMESTAMP_NTZ\b", "TIMESTAMP"), (r"\bTIMESTAMP\b(?!\s+WITH)", "TIMESTAMPTZ")]


class DbxError(Exception):
    def __init__(self, message, error_code="BAD_REQUEST", sql_state="42000"):
        super().__init__(message)
        self.message, self.error_code, self.sql_state = message, error_code, sql_state


def unquote(ident):
    if ident[:1] in "`\"":
        return ident[1:-1]
    return ident.lower()


def pg_table(catalog, schema, table):
    return '"%s.%s"."%s"' % (catalog, schema, table)


def outside_quotes(sql, fn):
    """Applies fn to the parts of sql outside single-quoted strings."""
    parts = re.split(r"('(?:[^'\\]|\\.|'')*')", sql)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def translate(sql, catalog, schema):
    """Rewrites one Databricks SQL statement for PostgreSQL, or returns None for statements
    that are no-ops here (USE, CREATE CATALOG)."""
    s = sql.strip()
    if re.match(r"^(USE|CREATE\s+CATALOG|SET\s+)\b", s, re.I):
        return None
    m = re.match(r"^CREATE\s+(SCHEMA|DATABASE)\s+(IF\s+NOT\s+EXISTS\s+)?(%s)(?:\.(%s))?\s*$"
                 % (IDENT, IDENT), s, re.I)
    if m:
        cat, sch = (unquote(m.group(3)), unquote(m.group(4))) if m.group(4) else (
            catalog, unquote(m.group(3)))
        return 'CREATE SCHEMA %s"%s.%s"' % (m.group(2) or "", cat, sch)
    m = re.match(r"^DROP\s+(SCHEMA|DATABASE)\s+(IF\s+EXISTS\s+)?(%s)(?:\.(%s))?(\s+CASCADE)?\s*$"
                 % (IDENT, IDENT), s, re.I)
    if m:
        cat, sch = (unquote(m.group(3)), unquote(m.group(4))) if m.group(4) else (
            catalog, unquote(m.group(3)))
        return 'DROP SCHEMA %s"%s.%s"%s' % (m.group(2) or "", cat, sch, m.group(5) or "")

    def rewrite(part):
        # two-part names first: the lookahead keeps them off the head of three-part names
        part = TWO_AFTER_KEYWORD.sub(lambda m: "%s%s%s" % (
            m.group(1), m.group(2), pg_table(catalog, unquote(m.group(3)),
                                             unquote(m.group(4)))), part)
        part = THREE.sub(lambda m: pg_table(unquote(m.group(1)), unquote(m.group(2)),
                                            unquote(m.group(3))), part)
        part = re.sub(r"`([^`]+)`", r'"\1"', part)
        if re.match(r"^\s*(CREATE|ALTER)\b", s, re.I):
            for pat, rep in TYPES:
                part = re.sub(pat, rep, part, flags=re.I)
            part = re.sub(r"\bUSING\s+DELTA\b", "", part, flags=re.I)
            part = re.sub(r"\bTBLPROPERTIES\s*\([^)]*\)", "", part, flags=re.I)
        else:  # casts: CAST(x AS STRING), x::STRING
            for pat, rep in TYPES:
                part = re.sub(r"(\bAS\s+|::\s*)" + pat, lambda m, rep=rep: m.group(1) + rep,
                              part, flags=re.I)
        return part

    out = outside_quotes(s, rewrite)
    if re.match(r"^\s*(CREATE|ALTER)\b", s, re.I):
        out = re.sub(r"\bCOMMENT\s+'(?:[^']|'')*'", "", out, flags=re.I)
    return out


COPY_INTO_RE = re.compile(
    r"^\s*COPY\s+INTO\s+(%s(?:\.%s){0,2})\s*(BY\s+POSITION|\([^)]*\))?\s*FROM\s+'([^']*)'(.*)$"
    % (IDENT, IDENT), re.S | re.I)


def is_copy_into(sql):
    return re.match(r"^\s*COPY\s+INTO\b", sql, re.I) is not None


def parse_copy_into(sql, catalog, schema):
    """{"table": (cat, schema, table), "columns", "source", "credential", "format", "files",
    "pattern", "format_options", "copy_options"}; raises DbxError."""
    m = COPY_INTO_RE.match(sql)
    if not m:
        raise DbxError("[PARSE_SYNTAX_ERROR] Syntax error: COPY INTO <table> FROM "
                       "'s3://bucket/path' [WITH (CREDENTIAL `name`)] FILEFORMAT = CSV|JSON "
                       "[FORMAT_OPTIONS (...)] [COPY_OPTIONS (...)]", sql_state="42601")
    names = [unquote(x) for x in re.findall(IDENT, m.group(1))]
    names = [catalog, schema][: 3 - len(names)] + names
    out = {"table": tuple(names), "columns": None, "source": m.group(3), "credential": None,
           "format": None, "files": None, "pattern": None, "format_options": {},
           "copy_options": {}}
    if m.group(2) and m.group(2).startswith("("):
        out["columns"] = [unquote(c.strip()) for c in m.group(2)[1:-1].split(",")]
    try:
        toks = tokenize(m.group(4))
    except ValueError as e:
        raise DbxError("[PARSE_SYNTAX_ERROR] %s" % e, sql_state="42601")
    i = 0

    def expect(kind, value=None):
        nonlocal i
        if i >= len(toks) or toks[i][0] != kind or (value and toks[i][1].upper() != value):
            got = toks[i][1] if i < len(toks) else "end of input"
            raise DbxError("[PARSE_SYNTAX_ERROR] Syntax error at or near '%s'" % got,
                           sql_state="42601")
        i += 1
        return toks[i - 1][1]

    def options():
        expect("punct", "(")
        opts = {}
        while True:
            k = expect("str")
            expect("punct", "=")
            v = toks[i][1]
            advance()
            opts[k] = v
            if toks[i][1] == ")":
                advance()
                return opts
            expect("punct", ",")

    def advance():
        nonlocal i
        i += 1

    while i < len(toks):
        w = expect("word").upper()
        if w == "WITH":
            expect("punct", "(")
            expect("word", "CREDENTIAL")
            if i < len(toks) and toks[i][0] in ("ident", "word"):
                out["credential"] = toks[i][1]
                advance()
            else:
                raise DbxError("[PARSE_SYNTAX_ERROR] WITH (CREDENTIAL `name`) needs a storage "
                               "credential name (inline AWS keys are not supported by the "
                               "test peer)", sql_state="42601")
            expect("punct", ")")
        elif w == "FILEFORMAT":
            expect("punct", "=")
            out["format"] = expect("word").upper()
        elif w == "FILES":
            expect("punct", "=")
            expect("punct", "(")
            files = [expect("str")]
            while toks[i][1] == ",":
                advance()
                files.append(expect("str"))
            expect("punct", ")")
            out["files"] = files
        elif w == "PATTERN":
            expect("punct", "=")
            out["pattern"] = expect("str")
        elif w == "FORMAT_OPTIONS":
            out["format_options"] = {k.lower(): v for k, v in options().items()}
        elif w == "COPY_OPTIONS":
            out["copy_options"] = {k.lower(): v for k, v in options().items()}
        else:
            raise DbxError("[PARSE_SYNTAX_ERROR] Syntax error at or near '%s'" % w,
                           sql_state="42601")
    if out["format"] is None:
        raise DbxError("[PARSE_SYNTAX_ERROR] COPY INTO needs FILEFORMAT = CSV | JSON",
                       sql_state="42601")
    if out["format"] not in ("CSV", "JSON"):
        raise DbxError("FILEFORMAT %s is not supported by the test peer: use CSV or JSON"
                       % out["format"])
    return out
