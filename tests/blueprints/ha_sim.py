"""A small stand-in for Home Assistant's automation engine, enough to run bedroomd's
blueprints: load a blueprint (with the !input tag), fill in its inputs, fire one trigger
(an MQTT message or an event) and collect the actions it calls.

It follows Home Assistant where the blueprints depend on it:
- templates render to native types (a string that reads as a list or a dict becomes
  one, keeping the original text, which mqtt.publish sends as it is);
- trigger_variables may use !input and are the only names a trigger's templates see;
- variables render in order, each seeing those before it; a condition is true when its
  template renders to true;
- choose runs the first branch whose conditions hold; repeat for_each sets repeat.item.
Undefined names are errors here (Home Assistant only logs them), so a typo fails a test.
"""

import ast
import json
import re
from datetime import datetime

import jinja2
import jinja2.sandbox
import yaml


class Input(str):
    """The name of an input, where the blueprint says !input NAME."""


class BlueprintLoader(yaml.SafeLoader):
    pass


BlueprintLoader.add_constructor("!input", lambda loader, node: Input(loader.construct_scalar(node)))


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=BlueprintLoader)


class Rendered(dict):
    """A template result that reads as a dict, with the text it was rendered from."""


class RenderedList(list):
    """A template result that reads as a list, with the text it was rendered from."""


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def as_timestamp(value):
    return datetime.fromisoformat(str(value)).timestamp()


def to_json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def environment(devices):
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    env.filters.update(slugify=slugify, as_timestamp=as_timestamp, to_json=to_json)
    env.globals.update(
        as_timestamp=as_timestamp,
        device_attr=lambda device_id, attr: devices.get(device_id, {}).get(attr),
    )
    return env


def is_template(value):
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def native(text):
    """Home Assistant's reading of a rendered template."""
    text = text.strip()
    try:
        result = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError):
        return text
    if isinstance(result, dict):
        result = Rendered(result)
        result.text = text
    elif isinstance(result, list):
        result = RenderedList(result)
        result.text = text
    if isinstance(result, (str, complex)):
        return text
    return result


def render(env, value, context):
    if isinstance(value, dict):
        return {k: render(env, v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [render(env, v, context) for v in value]
    if is_template(value):
        return native(env.from_string(value).render(**context))
    return value


def resolve_inputs(value, inputs):
    if isinstance(value, Input):
        return inputs[str(value)]
    if isinstance(value, dict):
        return {k: resolve_inputs(v, inputs) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_inputs(v, inputs) for v in value]
    return value


def with_defaults(blueprint, inputs):
    declared = blueprint["blueprint"].get("input") or {}
    values = {name: spec.get("default") for name, spec in declared.items()}
    values.update(inputs)
    return values


def truthy(value):
    return value is True or str(value).strip().lower() == "true"


class Automation:
    def __init__(self, blueprint, inputs, devices=None):
        self.config = resolve_inputs(blueprint, with_defaults(blueprint, inputs))
        self.env = environment(devices or {})

    def _trigger_variables(self):
        return render(self.env, self.config.get("trigger_variables") or {}, {})

    def mqtt(self, topic, payload):
        """An MQTT message; returns the actions called (empty when nothing triggers)."""
        tv = self._trigger_variables()
        for t in self.config.get("triggers", self.config.get("trigger", [])):
            if t.get("trigger", t.get("platform")) != "mqtt":
                continue
            if render(self.env, t["topic"], tv) != topic:
                continue
            trigger = {"platform": "mqtt", "id": t.get("id", "0"), "topic": topic,
                       "payload": payload}
            try:
                trigger["payload_json"] = json.loads(payload)
            except ValueError:
                pass
            return self._run(tv, trigger)
        return []

    def event(self, event_type, data):
        tv = self._trigger_variables()
        for t in self.config.get("triggers", self.config.get("trigger", [])):
            if t.get("trigger", t.get("platform")) == "event" and t["event_type"] == event_type:
                trigger = {"platform": "event", "id": t.get("id", "0"),
                           "event": {"event_type": event_type, "data": data}}
                return self._run(tv, trigger)
        return []

    def _run(self, trigger_variables, trigger):
        context = dict(trigger_variables, trigger=trigger)
        for name, value in (self.config.get("variables") or {}).items():
            context[name] = render(self.env, value, context)
        if not self._conditions(self.config.get("conditions", self.config.get("condition")),
                                context):
            return []
        calls = []
        self._sequence(self.config.get("actions", self.config.get("action", [])), context, calls)
        return calls

    def _conditions(self, conditions, context):
        if conditions is None:
            return True
        if not isinstance(conditions, list):
            conditions = [conditions]
        for c in conditions:
            if not isinstance(c, str):
                raise ValueError(f"only template conditions are simulated: {c!r}")
            if not truthy(render(self.env, c, context)):
                return False
        return True

    def _sequence(self, steps, context, calls):
        for step in steps:
            if "choose" in step:
                for option in step["choose"]:
                    if self._conditions(option.get("conditions"), context):
                        self._sequence(option["sequence"], dict(context), calls)
                        break
                else:
                    self._sequence(step.get("default", []), dict(context), calls)
            elif "repeat" in step:
                items = render(self.env, step["repeat"]["for_each"], context)
                for i, item in enumerate(items):
                    inner = dict(context, repeat={"item": item, "index": i + 1})
                    self._sequence(step["repeat"]["sequence"], inner, calls)
            elif "variables" in step:
                for name, value in step["variables"].items():
                    context[name] = render(self.env, value, context)
            elif "action" in step:
                calls.append({"action": render(self.env, step["action"], context),
                              "data": render(self.env, step.get("data", {}), context)})
            else:
                raise ValueError(f"a step the simulator does not know: {step!r}")


def published(call):
    """What an mqtt.publish call sends: its topic and payload text (as Home Assistant does)."""
    payload = call["data"]["payload"]
    return call["data"]["topic"], getattr(payload, "text", payload)
