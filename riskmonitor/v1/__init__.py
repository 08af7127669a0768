"""Code generated from protos/riskmonitor/v1 by ``make protos``: do not edit the ``*_pb2*``
files, change the .proto files and regenerate."""
