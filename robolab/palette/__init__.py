"""Palette packs: the commands, parameters, levels and Python templates a course team defines."""

from robolab.palette.library import PackLibrary, check_pack_file, load_pack
from robolab.palette.model import COMMENT, Command, Pack, Param

__all__ = ["COMMENT", "Command", "Pack", "PackLibrary", "Param", "check_pack_file", "load_pack"]
