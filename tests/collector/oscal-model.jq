# oscal-model.jq - check a document against the OSCAL 1.1.2
# assessment-results model, as its reference documentation describes it
# (pages.nist.gov/OSCAL, "Assessment Results Model v1.1.2, JSON"), for
# the objects and fields plumb's export can write.  Prints one line per
# complaint, nothing for a conforming document.
#
# Checked: the required fields of every object, that no object carries a
# key the model does not define (the model's JSON schema forbids
# additional properties), the data types (uuid v4/v5, date-time with a
# time zone, token, string without leading or trailing white space,
# non-empty arrays), enumerated values (observation methods, subject
# types, finding target types and states, risk statuses), that uuids are
# unique, and that every reference resolves: import-ap "#UUID" to a
# back-matter resource, subjects to inventory items, findings to the
# result's observations and risks.
#
# Not the NIST JSON schema itself, which no Debian package provides.

# type name -> req: required keys, opt: other allowed keys,
# fmt: key -> format, kids: key -> type (object) or [type] (array).
def model: {
  "root": {req: ["assessment-results"], opt: ["$schema"],
    kids: {"assessment-results": "ar"}},
  "ar": {req: ["uuid", "metadata", "import-ap", "results"],
    opt: ["local-definitions", "back-matter"],
    fmt: {"uuid": "uuid"},
    kids: {"metadata": "metadata", "import-ap": "import-ap",
      "results": ["result"], "back-matter": "back-matter",
      "local-definitions": "ar-local"}},
  "metadata": {req: ["title", "last-modified", "version", "oscal-version"],
    opt: ["published", "revisions", "document-ids", "props", "links",
      "roles", "locations", "parties", "responsible-parties", "actions",
      "remarks"],
    fmt: {"title": "string", "last-modified": "datetime",
      "published": "datetime", "version": "string",
      "oscal-version": "version"},
    kids: {"props": ["prop"], "links": ["link"]}},
  "import-ap": {req: ["href"], opt: ["remarks"], fmt: {"href": "uri"}},
  "ar-local": {req: [], opt: ["objectives-and-methods", "activities",
    "remarks"]},
  "result": {req: ["uuid", "title", "description", "start",
      "reviewed-controls"],
    opt: ["end", "props", "links", "local-definitions", "attestations",
      "assessment-log", "observations", "risks", "findings", "remarks"],
    fmt: {"uuid": "uuid", "title": "string", "description": "string",
      "start": "datetime", "end": "datetime"},
    kids: {"local-definitions": "result-local",
      "reviewed-controls": "reviewed-controls",
      "observations": ["observation"], "risks": ["risk"],
      "findings": ["finding"], "props": ["prop"], "links": ["link"]}},
  "result-local": {req: [], opt: ["components", "inventory-items", "users",
      "assessment-assets", "tasks", "remarks"],
    kids: {"inventory-items": ["inventory-item"]}},
  "inventory-item": {req: ["uuid", "description"],
    opt: ["props", "links", "responsible-parties",
      "implemented-components", "remarks"],
    fmt: {"uuid": "uuid", "description": "string"},
    kids: {"props": ["prop"], "links": ["link"]}},
  "reviewed-controls": {req: ["control-selections"],
    opt: ["description", "props", "links", "control-objective-selections",
      "remarks"],
    kids: {"control-selections": ["control-selection"]}},
  "control-selection": {req: [], opt: ["description", "props", "links",
      "include-all", "include-controls", "exclude-controls", "remarks"],
    kids: {"include-controls": ["select-control"],
      "exclude-controls": ["select-control"]}},
  "select-control": {req: ["control-id"], opt: ["statement-ids"],
    fmt: {"control-id": "token"}},
  "observation": {req: ["uuid", "description", "methods", "collected"],
    opt: ["title", "props", "links", "types", "origins", "subjects",
      "relevant-evidence", "expires", "remarks"],
    fmt: {"uuid": "uuid", "title": "string", "description": "string",
      "collected": "datetime", "expires": "datetime",
      "methods": {each: ["EXAMINE", "INTERVIEW", "TEST", "UNKNOWN"]}},
    kids: {"subjects": ["subject"], "relevant-evidence": ["evidence"],
      "props": ["prop"], "links": ["link"]}},
  "subject": {req: ["subject-uuid", "type"],
    opt: ["title", "props", "links", "remarks"],
    fmt: {"subject-uuid": "uuid", "type": {one: ["component",
      "inventory-item", "location", "party", "user"]}},
    kids: {"props": ["prop"], "links": ["link"]}},
  "evidence": {req: ["description"], opt: ["href", "props", "links",
      "remarks"],
    fmt: {"href": "uri", "description": "string"},
    kids: {"props": ["prop"], "links": ["link"]}},
  "finding": {req: ["uuid", "title", "description", "target"],
    opt: ["props", "links", "origins", "implementation-statement-uuid",
      "related-observations", "related-risks", "remarks"],
    fmt: {"uuid": "uuid", "title": "string", "description": "string"},
    kids: {"target": "target", "related-observations": ["related-obs"],
      "related-risks": ["related-risk"], "props": ["prop"],
      "links": ["link"]}},
  "target": {req: ["type", "target-id", "status"],
    opt: ["title", "description", "props", "links",
      "implementation-status", "remarks"],
    fmt: {"type": {one: ["statement-id", "objective-id"]},
      "target-id": "token"},
    kids: {"status": "objective-status", "props": ["prop"]}},
  "objective-status": {req: ["state"], opt: ["reason", "remarks"],
    fmt: {"state": {one: ["satisfied", "not-satisfied"]},
      "reason": "token"}},
  "related-obs": {req: ["observation-uuid"], opt: [],
    fmt: {"observation-uuid": "uuid"}},
  "related-risk": {req: ["risk-uuid"], opt: [], fmt: {"risk-uuid": "uuid"}},
  "risk": {req: ["uuid", "title", "description", "statement", "status"],
    opt: ["props", "links", "origins", "threat-ids", "characterizations",
      "mitigating-factors", "deadline", "remediations", "risk-log",
      "related-observations"],
    fmt: {"uuid": "uuid", "title": "string", "description": "string",
      "statement": "string", "deadline": "datetime",
      "status": {one: ["open", "investigating", "remediating",
        "deviation-requested", "deviation-approved", "closed"]}},
    kids: {"props": ["prop"], "links": ["link"],
      "related-observations": ["related-obs"]}},
  "prop": {req: ["name", "value"], opt: ["uuid", "ns", "class", "group",
      "remarks"],
    fmt: {"name": "token", "value": "string", "ns": "uri",
      "uuid": "uuid", "class": "token", "group": "token"}},
  "link": {req: ["href"], opt: ["rel", "media-type", "resource-fragment",
      "text"],
    fmt: {"href": "uri"}},
  "back-matter": {req: [], opt: ["resources"],
    kids: {"resources": ["resource"]}},
  "resource": {req: ["uuid"], opt: ["title", "description", "props",
      "document-ids", "citation", "rlinks", "base64", "remarks"],
    fmt: {"uuid": "uuid"},
    kids: {"props": ["prop"], "rlinks": ["rlink"]}},
  "rlink": {req: ["href"], opt: ["media-type", "hashes"],
    fmt: {"href": "uri"}}
};

# The datatypes of the OSCAL metaschema, as regular expressions.
def pattern:
  {"uuid": "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$",
   "datetime": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$",
   "token": "^(\\p{L}|_)(\\p{L}|\\p{N}|[.\\-_])*$",
   "string": "^\\S(.*\\S)?$",
   "uri": "^\\S+$",
   "version": "^[0-9]+\\.[0-9]+\\.[0-9]+"};

# Complaints about value v at path p of format f.
def format($v; $f; $p):
  if ($f | type) == "string" then
    if ($v | type) != "string" or ($v | test(pattern[$f]) | not)
    then "\($p): \($v | tojson) is not a valid \($f)" else empty end
  elif $f.one then
    if ($f.one | index([$v])) == null
    then "\($p): \($v | tojson) is not one of \($f.one | join(", "))"
    else empty end
  else
    if ($v | type) != "array" or ($v | length) == 0
    then "\($p): must be a non-empty array"
    else ($v | to_entries[] | select(.value as $x |
      $f.each | index([$x]) | not) |
      "\($p)[\(.key)]: \(.value | tojson) is not one of \($f.each | join(", "))")
    end
  end;

# Complaints about object . of model type t at path p.
def check($t; $p):
  . as $o | model[$t] as $m |
  if ($o | type) != "object" then "\($p): not an object"
  else
    ($m.req[] | select(. as $k | $o | has($k) | not) |
      "\($p): \(.) is required"),
    ($o | keys[] | select(. as $k | ($m.req + $m.opt) | index([$k]) |
      not) | "\($p): \(.) is not in the model"),
    (($m.fmt // {}) | to_entries[] | select(.key as $k | $o | has($k)) |
      format($o[.key]; .value; "\($p).\(.key)")),
    (($m.kids // {}) | to_entries[] | select(.key as $k | $o | has($k)) |
      .key as $k | .value as $kt |
      if ($kt | type) == "array" then
        if ($o[$k] | type) != "array" or ($o[$k] | length) == 0 then
          "\($p).\($k): must be a non-empty array"
        else
          ($o[$k] | to_entries[] | .key as $i | .value |
            check($kt[0]; "\($p).\($k)[\($i)]"))
        end
      else ($o[$k] | check($kt; "\($p).\($k)")) end)
  end;

# Complaints about references that do not resolve, and repeated uuids.
def references:
  ."assessment-results" as $ar |
  ([$ar."back-matter".resources[]?.uuid]) as $res |
  ($ar."import-ap".href // "") as $ap |
  (if ($ap | startswith("#")) and ($res | index([$ap[1:]]) | not) then
    "import-ap: \($ap) names no back-matter resource" else empty end),
  ([.. | objects | .uuid? // empty | strings] | group_by(.) |
    map(select(length > 1))[] | "uuid \(.[0]) is used \(length) times"),
  ($ar.results[]? | . as $r |
    [$r."local-definitions"."inventory-items"[]?.uuid] as $inv |
    [$r.observations[]?.uuid] as $obs |
    [$r.risks[]?.uuid] as $risks |
    ($r.observations[]?.subjects[]? | select(."subject-uuid" as $s | .type == "inventory-item" and
      ($inv | index([$s]) | not)) |
      "subject \(."subject-uuid") names no inventory item of its result"),
    ($r.findings[]? | ."related-observations"[]? |
      select(."observation-uuid" as $s | $obs | index([$s]) | not) |
      "finding names unknown observation \(."observation-uuid")"),
    ($r.findings[]? | ."related-risks"[]? |
      select(."risk-uuid" as $s | $risks | index([$s]) | not) |
      "finding names unknown risk \(."risk-uuid")"));

check("root"; "$"), references
