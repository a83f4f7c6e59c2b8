from django.contrib.auth import views as auth_views
from django.urls import path

from paradesk.access.sessions import SignInView
from paradesk.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
