"""Pure logic and I/O helpers for the Ethereal Flame Modal app (modal_app/app.py)."""
