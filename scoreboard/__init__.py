"""The public scoreboard generator: rules and score files in, a static site out.

Stages, one module each: ``load`` (strict YAML) → ``validate`` → ``score`` →
``render`` → ``publish``. ``build.py`` at the project root is the command line.
"""
