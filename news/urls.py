from django.urls import path

from news import views
from news.feeds import ArticleFeed

urlpatterns = [
    path("news/", views.ArticleListView.as_view(), name="article_list"),
    path("news/feed/", ArticleFeed(), name="article_feed"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
]
