"""Textual themes: dark by default, high-contrast light for sunlight, colour-blind safe."""

from __future__ import annotations

from textual.theme import Theme

DARK = Theme(
    name="fieldapp-dark",
    primary="#4EA8DE",
    secondary="#5E81AC",
    accent="#F2C14E",
    warning="#F2C14E",
    error="#FF6B6B",
    success="#63C27A",
    foreground="#E6E9EF",
    background="#15181E",
    surface="#1E232B",
    panel="#262C36",
    dark=True,
)

# Sunlight on a laptop screen washes out greys: black on white, saturated accents.
SUNLIGHT = Theme(
    name="fieldapp-sunlight",
    primary="#0033A0",
    secondary="#1F1F1F",
    accent="#8A3B00",
    warning="#8A5A00",
    error="#B00020",
    success="#00662E",
    foreground="#000000",
    background="#FFFFFF",
    surface="#FFFFFF",
    panel="#E8E8E8",
    dark=False,
)

# Okabe-Ito colours: told apart with every common kind of colour blindness;
# done/error never rely on red against green.
COLOURBLIND = Theme(
    name="fieldapp-colourblind",
    primary="#0072B2",
    secondary="#56B4E9",
    accent="#E69F00",
    warning="#E69F00",
    error="#D55E00",
    success="#009E73",
    foreground="#F0F0F0",
    background="#111111",
    surface="#1B1B1B",
    panel="#2A2A2A",
    dark=True,
)

THEMES = (DARK, SUNLIGHT, COLOURBLIND)
DEFAULT_THEME = DARK.name
