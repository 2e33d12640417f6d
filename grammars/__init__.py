"""The Lark grammar, installed as adcli.grammars so it ships inside the wheel."""
