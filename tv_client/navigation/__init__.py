"""The TV client's pure navigation core: remote keys to actions, and two-dimensional focus.

Standard library only, and no Kivy (an import contract keeps it so): screens feed raw key codes
and widget rectangles in, and get actions and focus targets out.

- `keys`: one table from raw key codes (Kivy/SDL and Android) to `Action`s, with carrier overrides
  loaded from a JSON file.
- `focus`: spatial focus (`move`, `first_focus`, `repair`), per-row focus memory, and the scrolling
  and virtualisation arithmetic that keeps the focused item on screen.
"""
