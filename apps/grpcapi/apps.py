from django.apps import AppConfig


class GrpcApiConfig(AppConfig):
    name = "apps.grpcapi"
    label = "grpcapi"
    verbose_name = "gRPC API"

    def ready(self) -> None:
        from apps.core.grpc_server import grpc_service_register
        from apps.grpcapi.servicers import GRPC_SERVICES

        for service in GRPC_SERVICES:
            grpc_service_register(service)
