package main

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// pocketbaseYAML is the part of PocketBase's API a client of a tenant
// calls besides the records: sign-in, files, realtime, and the
// components the generated record operations share. PocketBase's own
// routes, fixed by the version embedded (v0.40); their behaviour here
// (rate limits, refusals) is the product's.
const pocketbaseYAML = `
tags:
  - name: Authentification
    description: Connexion des utilisateurs de l'espace (collection users) par l'API de PocketBase.
  - name: Fichiers
    description: Fichiers des enregistrements (tous protégés) et leurs jetons.
  - name: Temps réel
    description: Événements des enregistrements en Server-Sent Events, avec les mêmes règles de lecture que l'API.
paths:
  /api/collections/users/auth-with-password:
    post:
      tags: [Authentification]
      summary: Se connecter par e-mail et mot de passe
      description: |
        Renvoie un jeton à passer dans l'en-tête Authorization des requêtes suivantes. Un compte inactif
        est refusé. Après 5 mots de passe erronés pour un compte (ou 20 depuis une adresse IP) en
        15 minutes : 429 avec Retry-After jusqu'à la fin du blocage, bon mot de passe compris.
      operationId: authWithPassword
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/AuthWithPassword"}
      responses:
        "200":
          description: Jeton et utilisateur.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/AuthResponse"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "429":
          description: Trop d'essais ; réessayer après Retry-After (secondes).
          headers:
            Retry-After: {schema: {type: integer}, description: Secondes avant le prochain essai.}
  /api/collections/users/auth-refresh:
    post:
      tags: [Authentification]
      summary: Renouveler le jeton
      description: Un nouveau jeton pour l'utilisateur du jeton envoyé (encore valide), avec l'utilisateur à jour.
      operationId: authRefresh
      responses:
        "200":
          description: Nouveau jeton et utilisateur.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/AuthResponse"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
  /api/collections/users/request-password-reset:
    post:
      tags: [Authentification]
      summary: Demander un lien de réinitialisation du mot de passe
      description: Répond 204 que l'adresse existe ou non. 3 demandes par adresse et 5 par IP en 15 minutes.
      operationId: requestPasswordReset
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [email]
              properties:
                email: {type: string, format: email}
      responses:
        "204": {description: Demande enregistrée (un e-mail part si le compte existe).}
        "400": {$ref: "#/components/responses/BadRequest"}
        "429": {description: Trop de demandes.}
  /api/collections/users/confirm-password-reset:
    post:
      tags: [Authentification]
      summary: Choisir un nouveau mot de passe avec le jeton du lien
      operationId: confirmPasswordReset
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [token, password, passwordConfirm]
              properties:
                token: {type: string}
                password: {type: string, writeOnly: true}
                passwordConfirm: {type: string, writeOnly: true}
      responses:
        "204": {description: Mot de passe changé ; les jetons existants ne sont plus valides.}
        "400": {$ref: "#/components/responses/BadRequest"}
  /api/files/token:
    post:
      tags: [Fichiers]
      summary: Obtenir un jeton de fichier (quelques minutes)
      description: Tous les champs fichier sont protégés ; le jeton se passe en ?token= au téléchargement.
      operationId: fileToken
      responses:
        "200":
          description: Le jeton.
          content:
            application/json:
              schema:
                type: object
                required: [token]
                properties:
                  token: {type: string}
        "401": {$ref: "#/components/responses/Unauthorized"}
  /api/files/{collection}/{recordId}/{filename}:
    get:
      tags: [Fichiers]
      summary: Télécharger un fichier d'un enregistrement
      description: |
        Avec le jeton de fichier d'un utilisateur que la règle de lecture de l'enregistrement autorise ;
        une session ou un en-tête Authorization en tient lieu. Sans droit : 404. Jamais en cache partagé.
      operationId: fileDownload
      parameters:
        - {name: collection, in: path, required: true, schema: {type: string}}
        - {name: recordId, in: path, required: true, schema: {type: string}}
        - {name: filename, in: path, required: true, schema: {type: string}}
        - {name: token, in: query, schema: {type: string}, description: Jeton de fichier (POST /api/files/token).}
        - {name: thumb, in: query, schema: {type: string, example: 100x100}, description: "Miniature d'une image, parmi celles du champ."}
        - {name: download, in: query, schema: {type: boolean}, description: Forcer le téléchargement (Content-Disposition attachment).}
      responses:
        "200":
          description: Le fichier.
          content:
            application/octet-stream:
              schema: {type: string, format: binary}
        "404": {$ref: "#/components/responses/NotFound"}
  /api/realtime:
    get:
      tags: [Temps réel]
      summary: Ouvrir le flux d'événements (SSE)
      description: |
        Le premier événement, PB_CONNECT, donne le clientId à passer à POST /api/realtime. Ensuite un
        événement par création, modification ou suppression d'un enregistrement souscrit, filtré par la
        règle de lecture de la collection et les champs confidentiels du rôle (jamais plus que l'API).
      operationId: realtimeConnect
      security: []
      responses:
        "200":
          description: "Flux text/event-stream ; chaque donnée est un RealtimeEvent (PB_CONNECT : {\"clientId\"})."
          content:
            text/event-stream:
              schema: {$ref: "#/components/schemas/RealtimeEvent"}
    post:
      tags: [Temps réel]
      summary: Choisir les souscriptions d'une connexion
      description: |
        Les souscriptions sont « collection/* » (tous les enregistrements lisibles) ou « collection/id »,
        avec options ?options={"query":{"filter":…,"expand":…}} encodées. L'authentification de cette
        requête devient celle de la connexion.
      operationId: realtimeSubscribe
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [clientId]
              properties:
                clientId: {type: string}
                subscriptions: {type: array, items: {type: string, example: "tasks/*"}}
      responses:
        "204": {description: Souscriptions enregistrées.}
        "400": {$ref: "#/components/responses/BadRequest"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
components:
  parameters:
    recordId: {name: id, in: path, required: true, schema: {type: string}, description: Identifiant de l'enregistrement.}
    filter:
      name: filter
      in: query
      schema: {type: string, example: "status = 'open' && site = 'RECORD_ID'"}
      description: Filtre PocketBase (opérateurs = != > >= < <= ~ !~, ?= sur les listes, && ||). Les champs confidentiels n'y sont jamais utilisables.
    sort:
      name: sort
      in: query
      schema: {type: string, example: "-created,title"}
      description: Champs de tri séparés par des virgules, « - » pour l'ordre décroissant.
    page:
      name: page
      in: query
      schema: {type: integer, minimum: 1, default: 1}
      description: Numéro de page.
    perPage:
      name: perPage
      in: query
      schema: {type: integer, minimum: 1, maximum: 1000, default: 30}
      description: Enregistrements par page.
    skipTotal:
      name: skipTotal
      in: query
      schema: {type: boolean}
      description: Ne pas compter le total (totalItems et totalPages valent -1), plus rapide.
    expand:
      name: expand
      in: query
      schema: {type: string, example: "site,assignees"}
      description: Relations à développer dans « expand » (séparées par des virgules, 6 niveaux au plus avec des points), chacune avec la règle de lecture de sa collection.
    fields:
      name: fields
      in: query
      schema: {type: string, example: "id,title,expand.site.name"}
      description: Champs à renvoyer (séparés par des virgules ; *:excerpt(200) pour un extrait).
  responses:
    BadRequest:
      description: Requête invalide (données, filtre) ; data donne l'erreur par champ, dans la langue de l'appelant.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/ApiError"}
    Unauthorized:
      description: Jeton absent, expiré ou révoqué.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/ApiError"}
    Forbidden:
      description: Action non permise (rôle, règle métier, compte inactif).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/ApiError"}
    NotFound:
      description: Inconnu, ou hors de la règle d'accès de l'appelant.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/ApiError"}
    Conflict:
      description: En conflit avec l'état courant (règle métier).
      content:
        application/json:
          schema: {$ref: "#/components/schemas/ApiError"}
  schemas:
    ApiError:
      type: object
      required: [status, message]
      properties:
        status: {type: integer}
        message: {type: string}
        data:
          type: object
          description: Erreurs par champ.
          additionalProperties:
            type: object
            properties:
              code: {type: string}
              message: {type: string}
    ListPage:
      type: object
      required: [page, perPage, totalItems, totalPages]
      properties:
        page: {type: integer}
        perPage: {type: integer}
        totalItems: {type: integer}
        totalPages: {type: integer}
    AuthWithPassword:
      type: object
      required: [identity, password]
      properties:
        identity: {type: string, description: Adresse e-mail.}
        password: {type: string, writeOnly: true}
    AuthResponse:
      type: object
      required: [token, record]
      properties:
        token: {type: string}
        record: {$ref: "#/components/schemas/users"}
    RealtimeEvent:
      type: object
      properties:
        action: {type: string, enum: [create, update, delete]}
        record: {type: object, description: "L'enregistrement, comme l'API le renverrait à cet utilisateur."}
`

// pocketbaseEndpoints adds the fixed PocketBase endpoints (paths and
// their tags) of pocketbaseYAML.
func pocketbaseEndpoints(paths, tags *yaml.Node) error {
	pb, err := pocketbaseDoc()
	if err != nil {
		return err
	}
	tags.Content = append(tags.Content, child(pb, "tags").Content...)
	p := child(pb, "paths")
	for i := 0; i+1 < len(p.Content); i += 2 {
		if err := set(paths, p.Content[i].Value, p.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// commonComponents adds the shared components of pocketbaseYAML.
func commonComponents(comps *yaml.Node) error {
	pb, err := pocketbaseDoc()
	if err != nil {
		return err
	}
	src := child(pb, "components")
	for _, kind := range []string{"parameters", "responses", "schemas"} {
		from := child(src, kind)
		to := ensure(comps, kind)
		for i := 0; i+1 < len(from.Content); i += 2 {
			if err := set(to, from.Content[i].Value, from.Content[i+1]); err != nil {
				return fmt.Errorf("components.%s: %w", kind, err)
			}
		}
	}
	return nil
}

func pocketbaseDoc() (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(pocketbaseYAML), &doc); err != nil {
		return nil, fmt.Errorf("pocketbaseYAML: %w", err)
	}
	return doc.Content[0], nil
}
