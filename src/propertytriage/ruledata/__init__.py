"""Reading and checking the rule data in ``rules/`` (the data itself lives at the top level)."""

from propertytriage.ruledata.loader import RuleBook, default_rulebook, load_rulebook
from propertytriage.ruledata.paths import examples_dir, forms_dir, rules_dir

__all__ = ["RuleBook", "default_rulebook", "examples_dir", "forms_dir", "load_rulebook", "rules_dir"]
