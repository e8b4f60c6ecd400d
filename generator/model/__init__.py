"""The pure core: the metric catalog, calculators, periods, data and the reference
implementation. Nothing here imports a spreadsheet library or another stage."""
