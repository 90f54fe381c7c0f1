app_name = "wavix_sandbox"
urlpatterns: list = []
