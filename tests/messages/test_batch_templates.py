"""A batch's templates (``outbox.send_many``) render every topic, language and short text as
``outbox.render`` does through Jinja, and a name the context lacks is the same error."""

from __future__ import annotations

import jinja2.meta
import pytest

from ilja.messages import outbox


def _names(name: str) -> set[str]:
    environment = outbox._environment()
    return jinja2.meta.find_undeclared_variables(environment.parse(environment.loader.get_source(environment,
                                                                                                   name)[0]))


@pytest.mark.parametrize("topic", outbox.topics())
def test_every_template_renders_as_jinja_renders_it(topic):
    templates = outbox._BatchTemplates()
    for language in outbox.LANGUAGES:
        for short in (False, True):
            names = _names(outbox.template_name(topic, language, short=short))
            for number in (1, 2):  # the second from the batch's compiled template
                context = {name: f"{name} {number}\n  줄 " if number == 1 else f"{name}{number}" for name in names}
                assert templates.render(topic, language, context, short=short) == outbox.render(
                    topic, language, context, short=short)


def test_a_missing_name_is_the_same_error():
    assert outbox._BatchTemplate("rights_decision_not_eligible.ko.txt").parts  # joined, not Jinja's
    context = {name: "x" for name in _names("rights_decision_not_eligible.ko.txt") if name != "reasons_ko"}
    with pytest.raises(outbox.MessageError) as jinja:
        outbox.render("rights_decision_not_eligible", "ko", context)
    with pytest.raises(outbox.MessageError) as batch:
        outbox._BatchTemplates().render("rights_decision_not_eligible", "ko", context)
    assert str(batch.value) == str(jinja.value)
    with pytest.raises(outbox.UnknownTopic):
        outbox._BatchTemplates().render("no_such_topic", "ko", context)
