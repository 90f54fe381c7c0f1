"""My account: everyone changes their own name and password here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from portal.views.base import add_form_errors
from tenants import services as tenant_services
from tenants.forms import PasswordChangeForm, ProfileForm


@login_required
def account(request):
    """My profile: everyone changes their own name and password here."""
    posted = request.POST.get("form") if request.method == "POST" else None
    profile = ProfileForm(
        request.POST if posted == "profile" else None,
        initial={"full_name": request.user.full_name},
    )
    form = PasswordChangeForm(request.user, request.POST if posted == "password" else None)
    if posted == "profile" and profile.is_valid():
        try:
            tenant_services.user_update(
                user=request.user,
                acting_user=request.user,
                full_name=profile.cleaned_data["full_name"],
            )
        except ValidationError as exc:
            add_form_errors(profile, exc)
        else:
            messages.success(request, "Your name is saved.")
            return redirect("account")
    if posted == "password" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Password changed.")
        return redirect("account")
    invalid = profile.errors or form.errors
    return render(
        request,
        "portal/account.html",
        {"form": form, "profile_form": profile},
        status=400 if invalid else 200,
    )
