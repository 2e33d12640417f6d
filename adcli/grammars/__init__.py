"""The Lark grammar (``adcli.lark``), package data of adcli so that it ships in the wheel."""
