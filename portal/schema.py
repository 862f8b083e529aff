"""The error responses of every API operation, documented once (issue 14, point 19).

Tax and union systems generate their clients from the OpenAPI schema, so each operation lists
every status it can answer with, and every error has the one body portal.drf's exception handler
writes. drf-spectacular documents the success responses from the views; this post-processing hook
adds the errors an operation can meet by its shape:

- 400 `invalid` (a field or the request is wrong) where the operation takes a body or query
  parameters, and 415 where it takes a body (a content type it does not parse);
- 401 / 403 where it needs credentials (none or wrong; the wrong role or an unverified session);
- 404 where its path names an object (outside the caller's scope is not found either) or it pages;
- 409 where it changes something (the business state refuses: already submitted, window closed…),
  and 422 (a rule refuses well-formed input: a reference that does not exist, a figure that
  contradicts the registry's);
- 429 where anyone may call it (throttled per address).

An operation that documents its own body for a status (the roster import's rows) keeps it.

Constraints the server checks are in the schema where OpenAPI can say them (decimal strings with
their sign and digits, region codes, enumerations), so a generated client cannot send what the
server would refuse as malformed; what it cannot say (a reference to an object that must exist, a
rule across fields or against stored figures) is a 422 with the rule's message."""

import functools
import re
from decimal import Decimal

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from jsonschema import Draft4Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from rest_framework.settings import api_settings

ERROR_SCHEMA = {
    "type": "object",
    "description": "错误响应：detail 为可直接展示的中文说明，code 为稳定的错误代码，errors 为各字段的错误信息。",
    "properties": {
        "detail": {"type": "string", "description": "中文错误说明"},
        "code": {"type": "string", "description": "错误代码，如 invalid、not_authenticated、not_found、conflict"},
        "errors": {
            "type": "object",
            "description": "字段名 → 错误信息列表（嵌套字段为对象；non_field_errors 为整体错误）",
            "additionalProperties": {},
        },
    },
    "required": ["detail", "code"],
}

WORDS = {
    "400": "请求不符合接口定义（字段类型、必填、长度、取值范围；见 errors）",
    "422": "请求格式正确，但业务规则不允许（如引用的对象不存在、与已登记的数据不一致；见 detail 与 errors）",
    "401": "未提供或提供了无效的身份凭证",
    "403": "无权办理（角色不符，或工作人员会话未通过二次验证）",
    "404": "对象不存在或不在您的办理范围内；或页码无效",
    "409": "当前业务状态不允许此操作（如已提交、不在办理期限内、已被他人办理）",
    "415": "不支持的请求内容类型",
    "429": "请求过于频繁，请稍后再试",
}
WRITES = {"post", "put", "patch", "delete"}


def error_statuses(path: str, method: str, operation: dict) -> list[str]:
    """The error statuses an operation can answer with, from its shape (pure; tested by table)."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    query = any(p.get("in") == "query" for p in parameters)
    security = operation.get("security")
    anonymous = not security or {} in security
    statuses = set()
    if has_body or query:
        statuses.add("400")
    if has_body:
        statuses.add("415")
    if not anonymous:
        statuses |= {"401", "403"}
    if "{" in path or any(p.get("in") == "query" and p.get("name") == "page" for p in parameters):
        statuses.add("404")
    if method in WRITES:
        statuses |= {"409", "422"}
    if anonymous:
        statuses.add("429")
    return sorted(statuses)


# A character Python's str.strip() keeps: JSON Schema's \s (ECMAScript) misses \x1c-\x1f and \x85.
# DRF refuses NUL in any text and trims what it reads, so a required text must hold one character
# that is neither. (Lone surrogates, which DRF refuses too, cannot be said: the Rust regex engine
# the schema's validators use has no surrogates, and would drop the whole pattern.)
_TEXT_CHAR = "[^\\u0000]"
TEXT = f"^{_TEXT_CHAR}*$"
NOT_BLANK = f"^{_TEXT_CHAR}*[^\\s\\u001c-\\u001f\\u0085\\u0000]{_TEXT_CHAR}*$"


def non_blank_strings(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS entry: say with a pattern, where a text field has none, what DRF refuses:
    NUL anywhere, and (it trims what it reads) a required text of spaces only."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for prop in component.get("properties", {}).values():
            if prop.get("type") == "string" and not ({"pattern", "format", "enum"} & prop.keys()):
                prop["pattern"] = NOT_BLANK if prop.get("minLength", 0) >= 1 else TEXT
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if schema.get("type") == "string" and not ({"pattern", "format", "enum"} & schema.keys()):
                    schema["pattern"] = TEXT
    return result


def form_bodies(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS entry: a multipart form cannot carry null or an empty list (a field is
    sent or absent), so the components only forms use say so: no `nullable`, a required list has
    at least one item."""
    schemas = result.get("components", {}).get("schemas", {})
    used_by = {}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for content_type, media in operation.get("requestBody", {}).get("content", {}).items():
                name = media.get("schema", {}).get("$ref", "").rpartition("/")[2]
                used_by.setdefault(name, set()).add(content_type.startswith("multipart/"))
    for name, kinds in used_by.items():
        if kinds != {True} or name not in schemas:
            continue
        component = schemas[name]
        for field, prop in component.get("properties", {}).items():
            prop.pop("nullable", None)
            if prop.get("type") == "array" and field in component.get("required", []):
                prop.setdefault("minItems", 1)
    return result


def document_errors(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS entry: the Error component and each operation's error responses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(path, method, operation):
                responses.setdefault(status, {"description": WORDS[status],
                                              "content": {"application/json": {"schema": reference}}})
    return result


class DecimalStringExtension(OpenApiSerializerFieldExtension):
    """Money and counts travel as decimal strings. drf-spectacular's pattern lets "" and "-"
    through and ignores min_value; this one says what DRF accepts: digits before and after the
    point within the field's limits, no sign where the value may not be negative, not zero where
    it must be positive."""

    target_class = "rest_framework.fields.DecimalField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        if not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING):
            return build_basic_type(OpenApiTypes.DECIMAL)
        whole = "" if field.max_digits is None else str(field.max_digits - (field.decimal_places or 0))
        places = field.decimal_places or 0
        fraction = f"(?:\\.\\d{{1,{places}}})?" if places else ""
        minimum = field.min_value
        sign = "" if minimum is not None and Decimal(minimum) >= 0 else "-?"
        not_zero = "(?!0+(?:\\.0+)?$)" if minimum is not None and Decimal(minimum) > 0 else ""
        return {"type": "string", "format": "decimal", "pattern": f"^{not_zero}{sign}\\d{{1,{whole}}}{fraction}$"}


# --- JSON bodies are held to the schema -------------------------------------------------------------
# DRF coerces what it can (5 → "5", "5" → 5, "true" → True), so a body the schema calls malformed
# could pass. The API's JSON parser (portal.drf) checks each body against its operation's
# documented request schema first: the API accepts exactly what the schema says, and a generated
# client never meets a leniency it cannot know about. Form bodies (uploads) are strings by nature
# and are left to the serializers.

REF_BASE = "urn:portal-api"
TYPE_WORDS = {"string": "字符串", "integer": "整数", "number": "数字", "boolean": "布尔值（true 或 false）",
              "array": "列表", "object": "对象", "null": "null"}


def _nullable_to_json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema, with references into one registry resource."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if "$ref" in converted and converted["$ref"].startswith("#/"):
        converted["$ref"] = REF_BASE + converted["$ref"]
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@functools.cache
def _json_bodies():
    """(path regex, METHOD, validator) for every operation that takes a JSON body, built once per
    process from the schema the portal serves."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    registry = Registry().with_resource(REF_BASE, Resource(
        contents={"components": _nullable_to_json_schema(schema.get("components", {}))}, specification=DRAFT4))
    bodies = []
    for path, operations in schema.get("paths", {}).items():
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                bodies.append((pattern, method.upper(),
                               Draft4Validator(_nullable_to_json_schema(body), registry=registry)))
    return bodies


def request_body_problems(path: str, method: str, data) -> dict:
    """Field → messages where a JSON body breaks its operation's schema (empty when it does not,
    or when the operation documents no JSON body)."""
    validator = next((v for pattern, m, v in _json_bodies() if m == method and pattern.match(path)), None)
    if validator is None:
        return {}
    problems: dict = {}
    for error in validator.iter_errors(data):
        error = best_match(error.context) if error.validator == "anyOf" and error.context else error
        where = [str(part) for part in error.absolute_path]
        if error.validator == "required":
            where.append(error.message.split("'")[1])
        node = problems
        for part in where[:-1]:
            node = node.setdefault(part, {})
        node.setdefault(where[-1] if where else "non_field_errors", []).append(_message(error))
    return problems


def _message(error) -> str:
    rule, value = error.validator, error.validator_value
    if rule == "type":
        return f"应为{TYPE_WORDS.get(value, value)}"
    words = {
        "required": "该字段是必填项。", "pattern": "格式不正确", "enum": "取值不在允许范围内",
        "minimum": f"不能小于 {value}", "maximum": f"不能大于 {value}",
        "minLength": "不能为空" if value == 1 else f"长度不能少于 {value}", "maxLength": f"长度不能超过 {value}",
        "minItems": f"至少需要 {value} 项", "maxItems": f"最多 {value} 项",
    }
    return words.get(rule, "不符合接口定义")
