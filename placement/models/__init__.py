"""The placement app's models, one module per concern."""

from placement.models.declaration import AnnualDeclaration
from placement.models.delivery import TaxDelivery
from placement.models.persons import (
    Certificate,
    Contract,
    Evidence,
    MonthCheck,
    MonthCheckAnswer,
    PlacedPerson,
    PlacementMonth,
)
from placement.models.requests import DeregistrationRequest, FeedbackRequest, WithdrawalRequest

__all__ = [
    "AnnualDeclaration", "Certificate", "Contract", "DeregistrationRequest", "Evidence", "FeedbackRequest",
    "MonthCheck", "MonthCheckAnswer", "PlacedPerson", "PlacementMonth", "TaxDelivery", "WithdrawalRequest",
]
