"""The two ways the model says no: a refused edit, and a project file it cannot read."""


class EditError(ValueError):
    """An edit that would make the project invalid; the project is left as it was."""


class ProjectFileError(ValueError):
    """A project file that cannot be loaded; names the file and the field at fault."""

    def __init__(self, path: str, field: str, problem: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        where = f"{path}: {field}: " if field else f"{path}: "
        super().__init__(where + problem)
