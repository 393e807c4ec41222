import sys
from pathlib import Path

# tests/support is importable as "support" from every test module.
sys.path.insert(0, str(Path(__file__).parent))
