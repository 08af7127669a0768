"""Admin and form base classes that take their model as a type argument (``ModelAdmin[Alert]``).

django-stubs declares these classes generic, but Django's own classes cannot be subscripted at
run time (django-stubs-ext patches that in, and it is a development-only package). The run-time
classes below accept the subscript and return themselves; type checkers see Django's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin as ModelAdmin
    from django.contrib.admin import TabularInline as TabularInline
    from django.forms import ModelForm as ModelForm
else:

    class _Subscriptable:
        def __class_getitem__(cls, item: Any) -> type:
            return cls

    class ModelAdmin(_Subscriptable, admin.ModelAdmin):
        pass

    class TabularInline(_Subscriptable, admin.TabularInline):
        pass

    class ModelForm(_Subscriptable, forms.ModelForm):
        pass
