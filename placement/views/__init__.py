"""残疾人安置管理 pages: the 添加残疾人 wizard (wizard.py) and the declaration around it
(declaration.py: 首页 data, 安置人员列表, 导入, 完成申报, requests, downloads)."""

from placement.views.declaration import *  # noqa: F403
from placement.views.wizard import *  # noqa: F403
