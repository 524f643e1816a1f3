"""Generator of realistic DSN files: mensuelles, signalements, error injection, FPOC sheets, sample set."""
from .errors import ERROR_KINDS, ErrorKind, Mutated, Mutation, inject
from .generated import GeneratedCompany, generate_company, write_monthly_file

__all__ = ["ERROR_KINDS", "ErrorKind", "GeneratedCompany", "Mutated", "Mutation", "generate_company", "inject",
           "write_monthly_file"]
