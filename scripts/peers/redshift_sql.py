"""The Redshift dialect the fake Redshift accepts on top of PostgreSQL: UNLOAD and COPY are
translated into reads and writes of real objects in Ceph RGW (with the IAM_ROLE assumed
through the peers' STS), a few Redshift-only table attributes are dropped, and everything
else goes to PostgreSQL as written.

UNLOAD ('select ...') TO 's3://bucket/prefix' IAM_ROLE 'arn[,arn...]'
    [FORMAT [AS] CSV | JSON] [CSV] [HEADER] [DELIMITER [AS] 'c'] [NULL [AS] 's'] [ADDQUOTES]
    [GZIP | ZSTD] [EXTENSION 'ext'] [ALLOWOVERWRITE] [CLEANPATH] [PARALLEL [ON|OFF|TRUE|FALSE]]
    [MANIFEST [VERBOSE]] [REGION [AS] 'r'] [MAXFILESIZE [AS] n [MB|GB]]
COPY table [(col, ...)] FROM 's3://bucket/prefix' IAM_ROLE 'arn[,arn...]'
    [FORMAT [AS]] CSV [QUOTE [AS] '"'] | JSON [AS] 'auto' | 'auto ignorecase'
    [DELIMITER [AS] 'c'] [IGNOREHEADER [AS] n] [GZIP | ZSTD] [MANIFEST] [NULL [AS] 's']
    [EMPTYASNULL] [BLANKSASNULL] [REGION [AS] 'r'] and accepted-but-ignored tuning options
    (TIMEFORMAT, DATEFORMAT, TRUNCATECOLUMNS, ACCEPTINVCHARS, MAXERROR, COMPUPDATE,
    STATUPDATE, ...).
PARQUET, Avro, jsonpaths files, PARTITION BY and encryption options are refused with a
message naming them.
"""

import json
import re

from warehouse_common import parse_s3_url, tokenize
import warehouse_s3 as ws3

UNLOAD_RE = re.compile(r"^\s*UNLOAD\s*\(\s*'((?:[^']|'')*)'\s*\)\s*TO\s*'([^']*)'(.*)$",
                       re.S | re.I)
IDENT = r'(?:"[^"]+"|[A-Za-z_][\w$]*)'
COPY_RE = re.compile(r"^\s*COPY\s+(%s(?:\.%s)?)\s*(\([^)]*\))?\s*FROM\s*'([^']*)'(.*)$"
                     % (IDENT, IDENT), re.S | re.I)
NUMERIC_OIDS = {20, 21, 23, 26, 700, 701, 1700}
TEXT_TYPES = ("character varying", "character", "text", "varchar", "char", "bpchar")


class SqlError(Exception):
    """A statement failure, worded as Redshift words it (the Data API's Error field)."""


def is_unload(sql):
    return re.match(r"^\s*UNLOAD\b", sql, re.I) is not None


def is_s3_copy(sql):
    return re.match(r"^\s*COPY\b", sql, re.I) is not None


def strip_redshift_ddl(sql):
    """Drops Redshift-only table attributes PostgreSQL does not know."""
    if not re.match(r"^\s*(CREATE|ALTER)\s", sql, re.I):
        return sql
    sql = re.sub(r"\bDISTSTYLE\s+(AUTO|EVEN|ALL|KEY)\b", "", sql, flags=re.I)
    sql = re.sub(r"\b(?:COMPOUND\s+|INTERLEAVED\s+)?SORTKEY\s*(\([^)]*\)|AUTO)", "", sql,
                 flags=re.I)
    sql = re.sub(r"\bDISTKEY\s*\([^)]*\)", "", sql, flags=re.I)
    sql = re.sub(r"\bDISTKEY\b|\bSORTKEY\b", "", sql, flags=re.I)
    sql = re.sub(r"\bENCODE\s+\w+", "", sql, flags=re.I)
    sql = re.sub(r"\bBACKUP\s+(YES|NO)\b", "", sql, flags=re.I)
    sql = re.sub(r"\bVARCHAR\s*\(\s*MAX\s*\)", "VARCHAR(65535)", sql, flags=re.I)
    return sql


class Options:
    """Cursor over option tokens."""

    def __init__(self, text):
        try:
            self.toks = tokenize(text)
        except ValueError as e:
            raise SqlError("ERROR: %s" % e)
        self.i = 0

    def more(self):
        return self.i < len(self.toks)

    def word(self):
        k, v = self.toks[self.i]
        self.i += 1
        if k != "word":
            raise SqlError('ERROR: syntax error at or near "%s"' % v)
        return v.upper()

    def peek(self):
        return self.toks[self.i][1].upper() if self.more() and self.toks[self.i][0] == "word" \
            else None

    def skip_as(self):
        if self.peek() == "AS":
            self.i += 1

    def string(self, what):
        self.skip_as()
        if not self.more() or self.toks[self.i][0] != "str":
            raise SqlError("ERROR: %s needs a quoted value" % what)
        self.i += 1
        return self.toks[self.i - 1][1]

    def number(self, what):
        self.skip_as()
        if not self.more():
            raise SqlError("ERROR: %s needs a number" % what)
        self.i += 1
        try:
            return int(self.toks[self.i - 1][1])
        except ValueError:
            raise SqlError("ERROR: %s needs a number" % what)

    def optional_onoff(self):
        v = self.peek()
        if v in ("ON", "OFF", "TRUE", "FALSE"):
            self.i += 1
            return v in ("ON", "TRUE")
        return True


def role_list(value):
    arns = [a.strip() for a in value.split(",") if a.strip()]
    for a in arns:
        if not re.fullmatch(r"arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+", a):
            raise SqlError("ERROR: Invalid IAM role ARN: %s" % a)
    if not arns:
        raise SqlError("ERROR: IAM_ROLE needs at least one role ARN")
    return arns


def credentials_option(value):
    m = re.search(r"aws_iam_role=([^;]+)", value)
    if not m:
        raise SqlError("ERROR: only CREDENTIALS 'aws_iam_role=...' is supported: use IAM_ROLE")
    return role_list(m.group(1))


class RedshiftSql:
    """Executes UNLOAD and COPY for one statement. `ctx` supplies: region (the workgroup's),
    assume(role_arns) -> credentials (raises SqlError) and s3_endpoint."""

    def __init__(self, ctx):
        self.ctx = ctx

    # ---------------------------------------------------------------------- UNLOAD
    def unload(self, cur, sql):
        m = UNLOAD_RE.match(sql)
        if not m:
            raise SqlError('ERROR: syntax error at or near "UNLOAD": expected UNLOAD '
                           "('select ...') TO 's3://bucket/prefix' IAM_ROLE '...'")
        query, target, rest = m.group(1).replace("''", "'"), m.group(2), m.group(3)
        try:
            bucket, prefix = parse_s3_url(target)
        except ValueError as e:
            raise SqlError("ERROR: %s" % e)
        o = Options(rest)
        roles, fmt, header, delim, null, quotes = None, "TEXT", False, None, "", False
        escape = False
        comp, ext, overwrite, clean, parallel, manifest, region = (None, None, False, False,
                                                                   True, None, None)
        while o.more():
            w = o.word()
            if w == "IAM_ROLE":
                roles = role_list(o.string("IAM_ROLE"))
            elif w == "CREDENTIALS":
                roles = credentials_option(o.string("CREDENTIALS"))
            elif w == "FORMAT":
                o.skip_as()
                fmt = o.word()
            elif w in ("CSV", "JSON"):
                fmt = w
            elif w == "PARQUET":
                fmt = w
            elif w == "HEADER":
                header = True
            elif w == "DELIMITER":
                delim = o.string("DELIMITER")
            elif w == "NULL":
                null = o.string("NULL AS")
            elif w == "ADDQUOTES":
                quotes = True
            elif w in ("GZIP", "ZSTD", "BZIP2"):
                comp = w
            elif w == "EXTENSION":
                ext = o.string("EXTENSION")
            elif w == "ALLOWOVERWRITE":
                overwrite = True
            elif w == "CLEANPATH":
                clean = True
            elif w == "PARALLEL":
                parallel = o.optional_onoff()
            elif w == "MANIFEST":
                manifest = "VERBOSE" if o.peek() == "VERBOSE" else "PLAIN"
                if manifest == "VERBOSE":
                    o.word()
            elif w == "REGION":
                region = o.string("REGION")
            elif w == "MAXFILESIZE":
                o.number("MAXFILESIZE")
                if o.peek() in ("MB", "GB"):
                    o.word()
            elif w == "ESCAPE":
                escape = True
            elif w == "ENCRYPTED":
                pass
            else:
                raise SqlError('ERROR: syntax error at or near "%s"' % w)
        if roles is None:
            raise SqlError("ERROR: IAM_ROLE or CREDENTIALS must be specified for UNLOAD")
        if fmt not in ("TEXT", "CSV", "JSON"):
            raise SqlError("ERROR: UNLOAD FORMAT %s is not supported by the test peer: use "
                           "CSV or JSON" % fmt)
        if comp == "BZIP2":
            raise SqlError("ERROR: BZIP2 is not supported by the test peer: use GZIP or ZSTD")
        if fmt == "JSON" and (header or delim):
            raise SqlError("ERROR: HEADER and DELIMITER cannot be used with FORMAT JSON")
        if clean and overwrite:
            raise SqlError("ERROR: CLEANPATH and ALLOWOVERWRITE cannot be used together")
        self.check_region(region)

        creds = self.ctx.assume(roles)
        b = ws3.Bucket(self.ctx.s3_endpoint, self.ctx.region, creds)
        try:
            existing = b.list(bucket, prefix)
            if existing and clean:
                for key, _, _ in existing:
                    b.delete(bucket, key)
            elif existing and not overwrite:
                raise SqlError(
                    "ERROR: Specified unload destination on S3 is not empty. Consider using a "
                    "different bucket / prefix, manually removing the target files in S3, or "
                    "using the ALLOWOVERWRITE option.")
            cur.execute(query)
            if cur.description is None:
                raise SqlError("ERROR: UNLOAD query must be a SELECT")
            cols = [d.name for d in cur.description]
            oids = [d.type_code for d in cur.description]
            rows = cur.fetchall()
            slices = [rows] if not parallel else [rows[: (len(rows) + 1) // 2],
                                                  rows[(len(rows) + 1) // 2:]]
            suffix = ("." + ext.lstrip(".") if ext else "") + {
                "GZIP": ".gz", "ZSTD": ".zst"}.get(comp, "")
            written = []
            for i, part in enumerate(slices):
                if parallel and not part and (i > 0 or rows):
                    continue
                name = ("%04d_part_00" % i) if parallel else "%03d" % i
                data = self.encode(part, cols, oids, fmt, header, delim, null, quotes, escape)
                data = ws3.compress(data, comp)
                key = prefix + name + suffix
                b.put(bucket, key, data)
                written.append((key, len(data), len(part)))
            if manifest:
                entries = []
                for key, size, nrows in written:
                    e = {"url": "s3://%s/%s" % (bucket, key)}
                    if manifest == "VERBOSE":
                        e["meta"] = {"content_length": size, "record_count": nrows}
                    entries.append(e)
                doc = {"entries": entries}
                if manifest == "VERBOSE":
                    doc["schema"] = {"elements": [{"name": c} for c in cols]}
                b.put(bucket, prefix + "manifest", json.dumps(doc, indent=1).encode())
        except ws3.StorageError as e:
            raise SqlError("ERROR: %s" % e)
        return len(rows)

    @staticmethod
    def encode(rows, cols, oids, fmt, header, delim, null, quotes, escape=False):
        if fmt == "JSON":
            out = []
            for r in rows:
                obj = {}
                for c, oid, v in zip(cols, oids, r):
                    if v is None:
                        obj[c] = None
                    elif oid in NUMERIC_OIDS:
                        obj[c] = json.loads(v) if re.fullmatch(r"-?[\d.eE+-]+", v) else v
                    elif oid == 16:
                        obj[c] = v == "t"
                    else:
                        obj[c] = v
                out.append(json.dumps(obj, separators=(",", ":")))
            return ("\n".join(out) + ("\n" if out else "")).encode()
        if fmt == "CSV":
            return ws3.write_csv(rows, delim or ",", cols if header else None, null)
        d = delim or "|"
        lines = [d.join(cols)] if header else []
        # ESCAPE: a backslash before backslash, LF, CR, the delimiter (and quotes with
        # ADDQUOTES) inside values, as Redshift writes delimited unload files.
        special = "\\\n\r" + d + ("\"'" if quotes else "")
        for r in rows:
            if escape:
                r = [v if v is None else "".join("\\" + c if c in special else c for c in v)
                     for v in r]
            vals = [null if v is None else v for v in r]
            if quotes:
                vals = ['"%s"' % v for v in vals]
            lines.append(d.join(vals))
        return "".join(ln + "\n" for ln in lines).encode()

    def check_region(self, region):
        if region and region != self.ctx.region:
            raise SqlError("ERROR: S3ServiceException:The bucket you are attempting to access "
                           "must be addressed using the specified endpoint. The test peer's "
                           "S3 is in %s, not %s" % (self.ctx.region, region))

    # ------------------------------------------------------------------------ COPY
    def copy(self, cur, sql):
        m = COPY_RE.match(sql)
        if not m:
            raise SqlError("ERROR: COPY must read from 's3://bucket/prefix' (the only data "
                           "source the test peer supports)")
        table, collist, source, rest = m.group(1), m.group(2), m.group(3), m.group(4)
        try:
            bucket, prefix = parse_s3_url(source)
        except ValueError as e:
            raise SqlError("ERROR: %s" % e)
        o = Options(rest)
        roles, fmt, delim, skip, comp, manifest, null = None, "TEXT", None, 0, None, False, None
        jsonmode, empty_null, blanks_null = "auto", False, False
        while o.more():
            w = o.word()
            if w == "IAM_ROLE":
                roles = role_list(o.string("IAM_ROLE"))
            elif w == "CREDENTIALS":
                roles = credentials_option(o.string("CREDENTIALS"))
            elif w == "FORMAT":
                o.skip_as()
                fmt = o.word()
                if fmt == "JSON" and o.more() and o.toks[o.i][0] == "str":
                    jsonmode = o.string("JSON")
            elif w == "CSV":
                fmt = "CSV"
                if o.peek() == "QUOTE":
                    o.word()
                    if o.string("QUOTE") != '"':
                        raise SqlError("ERROR: the test peer supports only QUOTE '\"'")
            elif w == "JSON":
                fmt = "JSON"
                jsonmode = o.string("JSON")
            elif w in ("PARQUET", "AVRO", "ORC"):
                fmt = w
            elif w == "DELIMITER":
                delim = o.string("DELIMITER")
            elif w == "IGNOREHEADER":
                skip = o.number("IGNOREHEADER")
            elif w in ("GZIP", "ZSTD", "BZIP2", "LZOP"):
                comp = w
            elif w == "MANIFEST":
                manifest = True
            elif w == "NULL":
                null = o.string("NULL AS")
            elif w == "EMPTYASNULL":
                empty_null = True
            elif w == "BLANKSASNULL":
                blanks_null = True
            elif w == "REGION":
                self.check_region(o.string("REGION"))
            elif w in ("TIMEFORMAT", "DATEFORMAT"):
                o.string(w)
            elif w in ("ACCEPTINVCHARS",):
                if o.peek() == "AS" or (o.more() and o.toks[o.i][0] == "str"):
                    o.string(w)
            elif w in ("MAXERROR",):
                o.number(w)
            elif w in ("COMPUPDATE", "STATUPDATE"):
                if o.peek() in ("ON", "OFF", "TRUE", "FALSE", "PRESET"):
                    o.word()
            elif w in ("TRUNCATECOLUMNS", "TRIMBLANKS", "FILLRECORD", "REMOVEQUOTES", "ESCAPE",
                       "EXPLICIT_IDS", "ROUNDEC", "IGNOREBLANKLINES"):
                pass
            else:
                raise SqlError('ERROR: syntax error at or near "%s"' % w)
        if roles is None:
            raise SqlError("ERROR: IAM_ROLE or CREDENTIALS must be specified for COPY")
        if fmt not in ("TEXT", "CSV", "JSON"):
            raise SqlError("ERROR: COPY FORMAT %s is not supported by the test peer: use CSV "
                           "or JSON" % fmt)
        if fmt == "JSON" and jsonmode.lower() not in ("auto", "auto ignorecase"):
            raise SqlError("ERROR: the test peer supports JSON 'auto' and 'auto ignorecase' "
                           "only, not jsonpaths files")
        if comp in ("BZIP2", "LZOP"):
            raise SqlError("ERROR: %s is not supported by the test peer: use GZIP or ZSTD" % comp)

        # target columns and their types
        try:
            cur.execute("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM "
                        "pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND "
                        "NOT a.attisdropped ORDER BY a.attnum", (table,))
        except Exception as e:  # psycopg2 error: relation does not exist
            raise SqlError("ERROR: %s" % str(e).strip().splitlines()[0])
        types = dict(cur.fetchall())
        if collist:
            cols = [c.strip().strip('"').lower() if not c.strip().startswith('"')
                    else c.strip().strip('"') for c in collist.strip("()").split(",")]
            for c in cols:
                if c not in types:
                    raise SqlError('ERROR: column "%s" of relation "%s" does not exist'
                                   % (c, table))
        else:
            cols = list(types)
        textual = [types[c].startswith(TEXT_TYPES) for c in cols]

        creds = self.ctx.assume(roles)
        b = ws3.Bucket(self.ctx.s3_endpoint, self.ctx.region, creds)
        try:
            if manifest:
                doc = json.loads(b.get(bucket, prefix))
                keys = []
                for e in doc.get("entries", []):
                    kb, kk = parse_s3_url(e["url"])
                    keys.append((kb, kk))
            else:
                keys = [(bucket, k) for k, _, _ in b.list(bucket, prefix)
                        if not k.endswith("/")]
                if not keys:
                    raise SqlError("ERROR: The specified S3 prefix '%s' does not exist"
                                   % prefix)
            rows = []
            for kb, key in keys:
                data = b.get(kb, key)
                try:
                    text = ws3.decompress(data, comp).decode("utf-8")
                except (OSError, ValueError, UnicodeDecodeError) as e:
                    raise SqlError(
                        "ERROR: Load into table '%s' failed.  Check 'sys_load_error_detail' "
                        "system table for details. (s3://%s/%s: %s; is the %s option right?)"
                        % (table, kb, key, e, comp or "GZIP/ZSTD"))
                rows += self.decode(text, fmt, jsonmode, delim, skip, cols, textual, null,
                                    empty_null, blanks_null, table)
        except ws3.StorageError as e:
            raise SqlError("ERROR: %s" % e)
        col_sql = "(%s)" % ", ".join('"%s"' % c for c in cols)
        cur.execute("SAVEPOINT crossdock_copy")
        try:
            ws3.pg_copy_rows(cur, table, " " + col_sql, rows)
        except Exception as e:
            cur.execute("ROLLBACK TO SAVEPOINT crossdock_copy")
            raise SqlError("ERROR: Load into table '%s' failed.  Check 'sys_load_error_detail' "
                           "system table for details. (%s)" % (
                               table.strip('"').split(".")[-1],
                               " ".join(str(e).split())))
        cur.execute("RELEASE SAVEPOINT crossdock_copy")
        return len(rows)

    @staticmethod
    def decode(text, fmt, jsonmode, delim, skip, cols, textual, null, empty_null, blanks_null,
               table):
        out = []
        if fmt == "JSON":
            ignore = "ignorecase" in jsonmode.lower()
            try:
                objs = ws3.read_json_objects(text)
            except ValueError as e:
                raise SqlError("ERROR: Load into table '%s' failed.  Check "
                               "'sys_load_error_detail' system table for details. (Invalid "
                               "JSON: %s)" % (table, e))
            for obj in objs:
                if ignore:
                    obj = {k.lower(): v for k, v in obj.items()}
                row = []
                for c in cols:
                    v = obj.get(c)
                    if isinstance(v, bool):
                        v = "true" if v else "false"
                    elif isinstance(v, (dict, list)):
                        v = ws3.json_text(v)
                    elif v is not None:
                        v = str(v)
                    row.append(v)
                out.append(row)
            return out
        d = delim or ("," if fmt == "CSV" else "|")
        null_text = null if null is not None else ("" if fmt == "CSV" else "\\N")
        for r in ws3.read_delimited(text, d, fmt == "CSV", skip):
            if len(r) != len(cols):
                raise SqlError("ERROR: Load into table '%s' failed.  Check "
                               "'sys_load_error_detail' system table for details. (Delimiter "
                               "not found / extra column: %d fields for %d columns)"
                               % (table, len(r), len(cols)))
            row = []
            for v, is_text in zip(r, textual):
                if v == null_text and (null is not None or fmt != "CSV"):
                    v = None
                elif v == "" and (empty_null or not is_text):
                    v = None
                elif blanks_null and v.strip() == "":
                    v = None
                row.append(v)
            out.append(row)
        return out
